// Parsing of composer slash commands (slash_command.h).
#include "libchat/slash_command.h"

#include <cctype>
#include <utility>

namespace chat::client {

namespace {

struct Spec {
  const char* name;
  SlashCommand::Kind kind;
  const char* usage;
};

constexpr Spec kSpecs[] = {
    {"join", SlashCommand::Kind::kJoin, "/join #channel [key] — join a channel"},
    {"part", SlashCommand::Kind::kPart, "/part [#channel] [reason] — leave this or another channel"},
    {"leave", SlashCommand::Kind::kPart, nullptr},
    {"msg", SlashCommand::Kind::kMsg, "/msg nick message — send a direct message"},
    {"query", SlashCommand::Kind::kQuery, "/query nick [message] — open a direct conversation"},
    {"me", SlashCommand::Kind::kMe, "/me action — say what you do (“* you waves”)"},
    {"topic", SlashCommand::Kind::kTopic, "/topic [new topic] — show or set this channel's topic"},
    {"invite", SlashCommand::Kind::kInvite, "/invite nick [#channel] — invite someone here"},
    {"kick", SlashCommand::Kind::kKick, "/kick nick [reason] — remove someone from this channel"},
    {"ban", SlashCommand::Kind::kBan, "/ban nick — ban and remove someone from this channel"},
    {"away", SlashCommand::Kind::kAway, "/away [message] — set yourself away (no message: back)"},
    {"back", SlashCommand::Kind::kAway, nullptr},
    {"nick", SlashCommand::Kind::kNick, "/nick newnick — change your nickname"},
    {"whois", SlashCommand::Kind::kWhois, "/whois nick — who is this person"},
    {"quit", SlashCommand::Kind::kQuit, "/quit [message] — disconnect and close chat"},
    {"help", SlashCommand::Kind::kHelp, "/help — this list"},
};

// Splits off the first space-separated word of `rest`.
std::string NextWord(std::string_view* rest) {
  std::size_t start = rest->find_first_not_of(' ');
  if (start == std::string_view::npos) {
    *rest = {};
    return "";
  }
  rest->remove_prefix(start);
  std::size_t end = rest->find(' ');
  std::string word(rest->substr(0, end));
  rest->remove_prefix(end == std::string_view::npos ? rest->size() : end);
  return word;
}

std::string_view Trim(std::string_view s) {
  std::size_t a = s.find_first_not_of(' ');
  if (a == std::string_view::npos) return {};
  std::size_t b = s.find_last_not_of(' ');
  return s.substr(a, b - a + 1);
}

bool IsChannel(std::string_view s) { return !s.empty() && (s[0] == '#' || s[0] == '&'); }

SlashCommand Error(const Spec& spec, const std::string& what) {
  SlashCommand c;
  c.kind = SlashCommand::Kind::kError;
  c.name = spec.name;
  c.text = what + ". Usage: " + spec.usage;
  return c;
}

}  // namespace

std::string SlashHelp() {
  std::string help = "Commands:";
  for (const Spec& s : kSpecs) {
    if (s.usage) help += std::string("\n") + s.usage;
  }
  help += "\n//text — send text that starts with /";
  return help;
}

SlashCommand ParseSlashCommand(std::string_view input) {
  SlashCommand c;
  if (input.size() < 2 || input[0] != '/' || input[1] == ' ' || input[1] == '\n') {
    c.text = std::string(input);  // text as typed
    return c;
  }
  if (input[1] == '/') {
    c.text = std::string(input.substr(1));  // "//text" sends "/text"
    return c;
  }
  std::string_view line = input.substr(1, input.find('\n') == std::string_view::npos
                                               ? std::string_view::npos
                                               : input.find('\n') - 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::string name = NextWord(&line);
  for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const Spec* spec = nullptr;
  for (const Spec& s : kSpecs) {
    if (name == s.name) spec = &s;
  }
  if (spec == nullptr) {
    c.kind = SlashCommand::Kind::kError;
    c.name = name;
    c.text = "Unknown command /" + name + ". " + SlashHelp();
    return c;
  }
  // Aliases report the usage of the command they stand for.
  const Spec* shown = spec;
  if (!spec->usage) {
    for (const Spec& s : kSpecs) {
      if (s.kind == spec->kind && s.usage) {
        shown = &s;
        break;
      }
    }
  }
  c.kind = spec->kind;
  c.name = name;
  switch (c.kind) {
    case SlashCommand::Kind::kJoin:
      c.target = NextWord(&line);
      c.arg = NextWord(&line);
      if (c.target.empty()) return Error(*shown, "/join needs a channel");
      if (!IsChannel(c.target)) c.target = "#" + c.target;
      break;
    case SlashCommand::Kind::kPart: {
      std::string_view rest = line;
      std::string first = NextWord(&rest);
      if (IsChannel(first)) {
        c.target = first;
        line = rest;
      }
      c.text = std::string(Trim(line));
      break;
    }
    case SlashCommand::Kind::kMsg:
      c.target = NextWord(&line);
      c.text = std::string(Trim(line));
      if (c.target.empty() || c.text.empty()) return Error(*shown, "/msg needs a nick and a message");
      break;
    case SlashCommand::Kind::kQuery:
      c.target = NextWord(&line);
      c.text = std::string(Trim(line));
      if (c.target.empty()) return Error(*shown, "/query needs a nick");
      break;
    case SlashCommand::Kind::kMe:
      c.text = std::string(Trim(line));
      if (c.text.empty()) return Error(*shown, "/me needs an action");
      break;
    case SlashCommand::Kind::kTopic: {
      std::string_view t = line.empty() ? line : line.substr(line[0] == ' ' ? 1 : 0);
      c.has_text = !Trim(t).empty() || t == ":";
      c.text = t == ":" ? "" : std::string(Trim(t));
      break;
    }
    case SlashCommand::Kind::kInvite:
      c.target = NextWord(&line);
      c.arg = NextWord(&line);
      if (c.target.empty()) return Error(*shown, "/invite needs a nick");
      break;
    case SlashCommand::Kind::kKick:
    case SlashCommand::Kind::kBan:
      c.target = NextWord(&line);
      c.text = std::string(Trim(line));
      if (c.target.empty()) return Error(*shown, "/" + std::string(shown->name) + " needs a nick");
      break;
    case SlashCommand::Kind::kAway:
      c.text = name == "back" ? "" : std::string(Trim(line));
      break;
    case SlashCommand::Kind::kNick:
    case SlashCommand::Kind::kWhois:
      c.target = NextWord(&line);
      if (c.target.empty()) return Error(*shown, "/" + std::string(shown->name) + " needs a nick");
      break;
    case SlashCommand::Kind::kQuit:
      c.text = std::string(Trim(line));
      break;
    case SlashCommand::Kind::kHelp:
      c.text = SlashHelp();
      break;
    case SlashCommand::Kind::kText:
    case SlashCommand::Kind::kError:
      break;
  }
  return c;
}

}  // namespace chat::client
