// chat::client::ParseSlashCommand: what the user typed in the composer,
// read as a command when it starts with '/'. Pure: no state, no I/O; the
// client core executes the result (Core::Input) and the GTK client never
// sends a command line as a chat message.
//
// The commands are the ones chat users type by reflex (RFC 2812 §3 for the
// IRC commands they become): /join /part /msg /query /me /topic /invite
// /kick /ban /away /back /nick /whois /quit /help. "//text" and "/ text"
// send text starting with '/' literally.
#ifndef CHAT_LIBCHAT_SLASH_COMMAND_H_
#define CHAT_LIBCHAT_SLASH_COMMAND_H_

#include <string>
#include <string_view>

namespace chat::client {

struct SlashCommand {
  enum class Kind {
    kText,    // not a command: send `text` as a message (it may start with '/')
    kJoin,    // target = channel, arg = key ("" none)
    kPart,    // target = channel ("" the current one), text = reason
    kMsg,     // target = nick or channel, text = message (non-empty)
    kQuery,   // target = nick; text = optional first message
    kMe,      // text = action
    kTopic,   // text = new topic; has_text false: show the current topic
    kInvite,  // target = nick, arg = channel ("" the current one)
    kKick,    // target = nick, text = reason
    kBan,     // target = nick or mask (kick-ban: +b nick!*@*, then KICK)
    kAway,    // text = away message ("" = back)
    kNick,    // target = new nick
    kWhois,   // target = nick
    kQuit,    // text = quit message
    kHelp,    // text = help (the list of commands, or the usage of one)
    kError,   // text = what is wrong and the usage ("/kick needs a nick: /kick nick [reason]")
  };
  Kind kind = Kind::kText;
  std::string name;    // the command as typed, lower case, without '/' ("" for kText)
  std::string target;
  std::string arg;
  std::string text;
  bool has_text = false;  // kTopic: a new topic was given (it may be empty with "/topic :")
};

// Parses one composer input (UTF-8, may contain newlines only for kText:
// a command is its first line only; other lines are ignored). Unknown
// commands give kError with the list of commands. Never fails otherwise.
SlashCommand ParseSlashCommand(std::string_view input);

// The help text: one line per command with its usage.
std::string SlashHelp();

}  // namespace chat::client

#endif  // CHAT_LIBCHAT_SLASH_COMMAND_H_
