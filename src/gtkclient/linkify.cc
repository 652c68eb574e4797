#include "gtkclient/linkify.h"

#include <cstddef>

namespace chatgtk {
namespace {

bool StartsWithAt(std::string_view text, std::size_t pos, std::string_view prefix) {
  if (text.size() - pos < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[pos + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// Characters that end a URL: whitespace, controls and markup-ish brackets.
bool EndsUrl(char c) {
  unsigned char b = static_cast<unsigned char>(c);
  return b <= ' ' || c == '<' || c == '>' || c == '"' || b == 0x7f;
}

// Length of the URL starting at `pos` (0 if none starts there).
std::size_t UrlLength(std::string_view text, std::size_t pos) {
  std::size_t scheme;
  if (StartsWithAt(text, pos, "https://")) {
    scheme = 8;
  } else if (StartsWithAt(text, pos, "http://")) {
    scheme = 7;
  } else if (StartsWithAt(text, pos, "www.")) {
    scheme = 4;
  } else {
    return 0;
  }
  // A URL only starts at a word boundary ("xhttp://" is not a link).
  if (pos > 0) {
    unsigned char prev = static_cast<unsigned char>(text[pos - 1]);
    if (prev >= 0x80 || (prev >= '0' && prev <= '9') || ((prev | 0x20) >= 'a' && (prev | 0x20) <= 'z'))
      return 0;
  }
  std::size_t end = pos;
  while (end < text.size() && !EndsUrl(text[end])) ++end;
  // Trim trailing punctuation that belongs to the sentence.
  while (end > pos + scheme) {
    char last = text[end - 1];
    if (last == '.' || last == ',' || last == ';' || last == ':' || last == '!' ||
        last == '?' || last == '\'') {
      --end;
      continue;
    }
    if (last == ')') {
      int depth = 0;
      for (std::size_t i = pos; i < end; ++i) {
        if (text[i] == '(') ++depth;
        if (text[i] == ')') --depth;
      }
      if (depth < 0) {
        --end;
        continue;
      }
    }
    break;
  }
  if (end <= pos + scheme) return 0;  // just "https://" is not a link
  return end - pos;
}

// The href Linkify gives the URL `url`.
std::string Href(std::string_view url) {
  return StartsWithAt(url, 0, "www.") ? "https://" + std::string(url) : std::string(url);
}

}  // namespace

std::string EscapeMarkup(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Linkify(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  std::size_t plain_start = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t len = UrlLength(text, pos);
    if (len == 0) {
      ++pos;
      continue;
    }
    out += EscapeMarkup(text.substr(plain_start, pos - plain_start));
    std::string_view url = text.substr(pos, len);
    out += "<a href=\"" + EscapeMarkup(Href(url)) + "\">" + EscapeMarkup(url) + "</a>";
    pos += len;
    plain_start = pos;
  }
  out += EscapeMarkup(text.substr(plain_start));
  return out;
}

std::string FirstLink(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size(); ++pos)
    if (std::size_t len = UrlLength(text, pos)) return Href(text.substr(pos, len));
  return "";
}

}  // namespace chatgtk
