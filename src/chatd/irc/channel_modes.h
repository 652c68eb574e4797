// Channel modes (RFC 2811 §4, the subset chatd implements: b i k l m n o s t
// v), shared by the IRC MODE command (cmd_mode.cc) and the control socket's
// `channels set-mode` / `ban` (control_channels.cc). The engine parses a mode
// string with its arguments and applies single changes to a Channel; who may
// change modes, how many argument modes one request may carry and how errors
// are told (numerics or control error texts) stay with the callers.
//
// Event loop thread only, like the Channel and Server they act on.
#ifndef CHATD_CHANNEL_MODES_H_
#define CHATD_CHANNEL_MODES_H_

#include <cstddef>
#include <string>
#include <vector>

#include "libchat/message.h"

namespace chatd {

class Server;
class Channel;

// What is wrong with one parsed mode letter, if anything.
enum class ModeError {
  kNone,
  kUnknownMode,   // not one of b i k l m n o s t v (ERR_UNKNOWNMODE, 472)
  kMissingParam,  // needs an argument and none was left (461; for b: list)
  kInvalidKey,    // +k key empty, over 32 bytes or with space, ',' or ':'
  kInvalidLimit,  // +l not a whole number from 1 to 100000
};

// One letter of a mode string with its argument.
struct ModeChange {
  bool plus = true;   // under '+' (or before any sign) rather than '-'
  char mode = 0;      // the letter as given
  std::string param;  // its argument ("" when none); +l: the number in
                      // canonical decimal when valid, else as given
  ModeError error = ModeError::kNone;
};

// The result of ParseChannelModes.
struct ParsedModes {
  std::vector<ModeChange> changes;  // one per mode letter, in order
  std::size_t params_used = 0;      // arguments consumed from the front
};

// Splits `modes` ("+nt-k", signs optional: a letter before any sign is '+')
// into one ModeChange per letter, taking arguments from `params` in order
// for b, o, v, +k and +l. A letter with an error keeps its place and the
// parse goes on (IRC answers each error and applies the rest); a letter
// missing its argument consumes none. When `unset_key_takes_param`, -k
// takes the next argument if there is one (the key, unchecked, as clients
// send "MODE #c -k key"); otherwise -k takes none. Pure: no channel state.
ParsedModes ParseChannelModes(const std::string& modes, const std::vector<std::string>& params,
                              bool unset_key_takes_param);

// What applying one change did.
enum class ModeOutcome {
  kChanged,       // channel changed; the change was added to the ModeLine
  kUnchanged,     // already so (or -b of an absent mask): nothing to tell
  kNoSuchNick,    // o/v: no client has that nick (ERR_NOSUCHNICK, 401)
  kNotOnChannel,  // o/v: the client is not a member (ERR_USERNOTINCHANNEL, 441)
  kBanListFull,   // +b: list_max_bans reached (ERR_BANLISTFULL, 478)
};

// Accumulates what changed as one MODE line: "+ab-c" and the parameters.
class ModeLine {
 public:
  // Appends `mode` under `plus`, with `param` unless it is empty.
  void Add(bool plus, char mode, const std::string& param = "");
  bool empty() const { return modes_.empty(); }
  // The MODE event from `source` about `target`: MODE target +ab-c p1 p2.
  chat::irc::Message ToMessage(const std::string& source, const std::string& target) const;
  // "+ab-c p1 p2", for replies that show the change as text.
  std::string Text() const;

 private:
  char sign_ = 0;
  std::string modes_;
  std::vector<std::string> params_;
};

// Applies `change` (which must have error kNone and a known letter) to ch:
// flags, key, limit, bans (set by `setter`, normalised with
// irc::NormalizeMask; a new ban also drops matching accounts from the
// roster), op and voice (for a registered channel, +o/-o of a logged-in
// member also grants/revokes the account's persistent op). What changed is
// added to *line. *subject is set for the callers' error replies: the
// normalised mask for b, the target's nick for o/v when found.
ModeOutcome ApplyChannelMode(Server& server, Channel* ch, const ModeChange& change, const std::string& setter,
                             ModeLine* line, std::string* subject);

// When *line is not empty: broadcasts it to ch's members as MODE from
// `source` and saves the channel (Server::SaveChannel persists registered
// ones).
void PublishModeLine(Server& server, Channel* ch, const std::string& source, const ModeLine& line);

}  // namespace chatd

#endif  // CHATD_CHANNEL_MODES_H_
