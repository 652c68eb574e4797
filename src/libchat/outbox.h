// chat::client::Outbox: the client's ordered list of outgoing messages the
// server has not acknowledged yet. The core adds an entry when the user
// sends, removes it when the echo carrying its label comes back (IRCv3
// labeled-response + echo-message) or the server refuses it, and resends the
// rest in order, with the same labels, after a reconnect (chatd's
// chatd.dev/outbox treats a label as an idempotency key, doc/protocol.md).
//
// Persistence reuses the IRC codec instead of a new file format: each entry
// is one line "@label=<label>;time=<server-time>[;+chatd.dev/file=<tag>] <COMMAND> <target> :<text>\r\n"
// (libchat/message.h). Pure: the host writes and reads the bytes.
// Not thread-safe; owned by one Core.
#ifndef CHAT_LIBCHAT_OUTBOX_H_
#define CHAT_LIBCHAT_OUTBOX_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "libchat/status.h"

namespace chat::client {

struct OutboxEntry {
  std::string label;    // unique per entry, [A-Za-z0-9]+ (Host::NewLabel)
  std::string target;   // display name of the conversation: "#general", "alice"
  std::string command = "PRIVMSG";  // PRIVMSG or NOTICE
  std::string text;     // UTF-8, one line (ACTIONs carry their \x01 framing)
  int64_t created_ms = 0;  // local clock when the user sent it, ms since the epoch
  // Value of the +chatd.dev/file client tag (libchat/files/file_tag.h) for a
  // shared file's link; "" for ordinary messages. Sent only with message-tags.
  std::string file_tag;
};

class Outbox {
 public:
  // Bound on entries: Add refuses more (memory and resend burst bound).
  static constexpr std::size_t kMaxEntries = 1000;

  // Appends `entry`. Returns false (and changes nothing) when the outbox is
  // full, or the entry is invalid: empty or non-alphanumeric label, a label
  // already present, an empty target or one containing a space, a command
  // other than PRIVMSG/NOTICE, or text containing CR, LF or NUL.
  bool Add(OutboxEntry entry);
  // Removes the entry with `label`; false when there is none.
  bool Remove(std::string_view label);
  // The server acknowledged `label` (its echo came back): same as Remove.
  bool MarkAcked(std::string_view label) { return Remove(label); }
  // The entry with `label`, or nullptr. Valid until the next mutating call.
  const OutboxEntry* Find(std::string_view label) const;
  // All entries, oldest first (the order they must be resent in).
  const std::deque<OutboxEntry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  void Clear() { entries_.clear(); }

  // One IRC line per entry, oldest first (see the top of this file); ""
  // for an empty outbox.
  std::string Serialize() const;
  // Strict: parses Serialize() output. Any line that does not parse as an
  // entry gives Status::Corruption naming the line number. Blank lines are
  // allowed.
  static Result<Outbox> Parse(std::string_view data);
  // Lenient: replaces the contents with the entries of `data`, skipping
  // lines that are corrupt (and duplicates, and anything past kMaxEntries).
  // Returns false when something was skipped.
  bool Load(std::string_view data);

 private:
  // Parses one line (without CR LF) into *out; false when it is not an entry.
  static bool ParseEntry(std::string_view line, OutboxEntry* out);

  std::deque<OutboxEntry> entries_;
};

}  // namespace chat::client

#endif  // CHAT_LIBCHAT_OUTBOX_H_
