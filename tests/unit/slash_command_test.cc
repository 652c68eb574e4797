// Tests for the composer's slash-command parser (libchat/slash_command.h).
#include "libchat/slash_command.h"

#include <string>

// Last: its memory-leak macros redefine `new`, which breaks standard headers.
#include "CppUTest/TestHarness.h"

using chat::client::ParseSlashCommand;
using chat::client::SlashCommand;
using Kind = chat::client::SlashCommand::Kind;

TEST_GROUP(SlashCommand) {};

TEST(SlashCommand, PlainTextAndEscapesAreText) {
  SlashCommand c = ParseSlashCommand("hello /kick bob");
  CHECK_TRUE(c.kind == Kind::kText);
  STRCMP_EQUAL("hello /kick bob", c.text.c_str());
  c = ParseSlashCommand("//kick is a command");
  CHECK_TRUE(c.kind == Kind::kText);
  STRCMP_EQUAL("/kick is a command", c.text.c_str());
  c = ParseSlashCommand("/");
  CHECK_TRUE(c.kind == Kind::kText);
  c = ParseSlashCommand("/ shrug");
  CHECK_TRUE(c.kind == Kind::kText);
  STRCMP_EQUAL("/ shrug", c.text.c_str());
}

TEST(SlashCommand, KickTakesNickAndReason) {
  SlashCommand c = ParseSlashCommand("/kick bob  stop spamming ");
  CHECK_TRUE(c.kind == Kind::kKick);
  STRCMP_EQUAL("bob", c.target.c_str());
  STRCMP_EQUAL("stop spamming", c.text.c_str());
  c = ParseSlashCommand("/KICK");
  CHECK_TRUE(c.kind == Kind::kError);
  CHECK_TRUE(c.text.find("Usage: /kick nick") != std::string::npos);
}

TEST(SlashCommand, JoinAddsTheHashAndKeepsTheKey) {
  SlashCommand c = ParseSlashCommand("/join rust secret");
  CHECK_TRUE(c.kind == Kind::kJoin);
  STRCMP_EQUAL("#rust", c.target.c_str());
  STRCMP_EQUAL("secret", c.arg.c_str());
  CHECK_TRUE(ParseSlashCommand("/join").kind == Kind::kError);
}

TEST(SlashCommand, PartWithAndWithoutChannel) {
  SlashCommand c = ParseSlashCommand("/part #other bye all");
  STRCMP_EQUAL("#other", c.target.c_str());
  STRCMP_EQUAL("bye all", c.text.c_str());
  c = ParseSlashCommand("/leave see you");
  CHECK_TRUE(c.kind == Kind::kPart);
  STRCMP_EQUAL("", c.target.c_str());
  STRCMP_EQUAL("see you", c.text.c_str());
}

TEST(SlashCommand, MsgNeedsNickAndText) {
  SlashCommand c = ParseSlashCommand("/msg alice hi there");
  CHECK_TRUE(c.kind == Kind::kMsg);
  STRCMP_EQUAL("alice", c.target.c_str());
  STRCMP_EQUAL("hi there", c.text.c_str());
  CHECK_TRUE(ParseSlashCommand("/msg alice").kind == Kind::kError);
  c = ParseSlashCommand("/query alice");
  CHECK_TRUE(c.kind == Kind::kQuery);
  STRCMP_EQUAL("", c.text.c_str());
}

TEST(SlashCommand, TopicShowOrSet) {
  SlashCommand c = ParseSlashCommand("/topic");
  CHECK_TRUE(c.kind == Kind::kTopic);
  CHECK_FALSE(c.has_text);
  c = ParseSlashCommand("/topic Release on Friday");
  CHECK_TRUE(c.has_text);
  STRCMP_EQUAL("Release on Friday", c.text.c_str());
  c = ParseSlashCommand("/topic :");
  CHECK_TRUE(c.has_text);
  STRCMP_EQUAL("", c.text.c_str());
}

TEST(SlashCommand, AwayBackNickWhoisQuitMe) {
  SlashCommand c = ParseSlashCommand("/away at lunch");
  CHECK_TRUE(c.kind == Kind::kAway);
  STRCMP_EQUAL("at lunch", c.text.c_str());
  c = ParseSlashCommand("/back");
  CHECK_TRUE(c.kind == Kind::kAway);
  STRCMP_EQUAL("", c.text.c_str());
  STRCMP_EQUAL("bob2", ParseSlashCommand("/nick bob2").target.c_str());
  CHECK_TRUE(ParseSlashCommand("/whois").kind == Kind::kError);
  STRCMP_EQUAL("gone", ParseSlashCommand("/quit gone").text.c_str());
  STRCMP_EQUAL("waves", ParseSlashCommand("/me waves").text.c_str());
  CHECK_TRUE(ParseSlashCommand("/me").kind == Kind::kError);
}

TEST(SlashCommand, UnknownCommandGetsHelp) {
  SlashCommand c = ParseSlashCommand("/frobnicate now");
  CHECK_TRUE(c.kind == Kind::kError);
  CHECK_TRUE(c.text.find("Unknown command /frobnicate") == 0);
  CHECK_TRUE(c.text.find("/kick nick [reason]") != std::string::npos);
}

TEST(SlashCommand, OnlyTheFirstLineIsTheCommand) {
  SlashCommand c = ParseSlashCommand("/kick bob\nsecond line");
  CHECK_TRUE(c.kind == Kind::kKick);
  STRCMP_EQUAL("bob", c.target.c_str());
  STRCMP_EQUAL("", c.text.c_str());
}
