// Unit tests for chat-gtk's pure helpers: Linkify/EscapeMarkup and NickColor.
#include "gtkclient/linkify.h"
#include "gtkclient/nick_color.h"

#include "CppUTest/TestHarness.h"

using chatgtk::EscapeMarkup;
using chatgtk::FirstLink;
using chatgtk::Linkify;
using chatgtk::NickColor;

TEST_GROUP(Linkify){};

TEST(Linkify, EscapesEverythingOutsideLinks) {
  STRCMP_EQUAL("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;",
               Linkify("a <b> & \"c\" 'd'").c_str());
  STRCMP_EQUAL("&lt;i&gt;x&lt;/i&gt;", EscapeMarkup("<i>x</i>").c_str());
}

TEST(Linkify, WrapsHttpAndHttpsUrls) {
  STRCMP_EQUAL("see <a href=\"https://example.org/a?b=1&amp;c=2\">https://example.org/a?b=1&amp;c=2</a> now",
               Linkify("see https://example.org/a?b=1&c=2 now").c_str());
  STRCMP_EQUAL("<a href=\"http://x.y\">http://x.y</a>", Linkify("http://x.y").c_str());
}

TEST(Linkify, WwwGetsHttpsInHref) {
  STRCMP_EQUAL("<a href=\"https://www.debian.org\">www.debian.org</a>",
               Linkify("www.debian.org").c_str());
}

TEST(Linkify, TrailingPunctuationStaysOutside) {
  STRCMP_EQUAL("go to <a href=\"https://a.b/c\">https://a.b/c</a>.",
               Linkify("go to https://a.b/c.").c_str());
  STRCMP_EQUAL("(<a href=\"https://a.b/c\">https://a.b/c</a>)", Linkify("(https://a.b/c)").c_str());
  STRCMP_EQUAL("<a href=\"https://w.org/A_(b)\">https://w.org/A_(b)</a>",
               Linkify("https://w.org/A_(b)").c_str());
}

TEST(Linkify, NoLinkInsideWordsOrForBareScheme) {
  STRCMP_EQUAL("xhttps://a.b", Linkify("xhttps://a.b").c_str());
  STRCMP_EQUAL("https:// alone", Linkify("https:// alone").c_str());
}

TEST(Linkify, QuotesEndTheUrlSoMarkupCannotBreakOut) {
  STRCMP_EQUAL("<a href=\"https://a.b/\">https://a.b/</a>&quot;&gt;&lt;b&gt;",
               Linkify("https://a.b/\"><b>").c_str());
}

TEST(Linkify, FirstLinkIsTheFirstHref) {
  STRCMP_EQUAL("https://a.example/x", FirstLink("see https://a.example/x, and http://b.example").c_str());
  STRCMP_EQUAL("https://www.example.org", FirstLink("(www.example.org)").c_str());
  STRCMP_EQUAL("", FirstLink("no link here: xhttp://a.b https://").c_str());
  STRCMP_EQUAL("", FirstLink("").c_str());
}

TEST_GROUP(NickColor){};

TEST(NickColor, StableAndCaseInsensitive) {
  STRCMP_EQUAL(NickColor("Alice").c_str(), NickColor("alice").c_str());
  STRCMP_EQUAL(NickColor("bob").c_str(), NickColor("bob").c_str());
  LONGS_EQUAL(7, NickColor("carol").size());
  CHECK_EQUAL('#', NickColor("carol")[0]);
}

TEST(NickColor, SpreadsOverThePalette) {
  // 40 different nicks must not all share one color.
  std::string first = NickColor("user0");
  bool differs = false;
  for (int i = 1; i < 40; ++i) differs |= NickColor("user" + std::to_string(i)) != first;
  CHECK_TRUE(differs);
}
