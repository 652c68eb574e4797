// chat::client quiet events: consecutive joins, parts, quits and nick
// changes shown as one quiet line ("alice, bob joined; carol left") instead
// of one line each, as Slack, Element and HexChat's "smart filter" do. Pure
// functions over a conversation's lines: no state, no I/O, no GTK. The view
// (chat-gtk's MessageView) keeps one row per line; every line of a run but
// the last is hidden and the last one shows the run's summary, so a new
// event re-describes only its own run (bounded by kMaxQuietRun lines), never
// the whole conversation.
#ifndef CHAT_LIBCHAT_QUIET_EVENTS_H_
#define CHAT_LIBCHAT_QUIET_EVENTS_H_

#include <cstddef>
#include <deque>
#include <string>

#include "libchat/client_core.h"

namespace chat::client {

// The longest run DescribeQuietRun reads back. A longer run (a netsplit)
// shows its last kMaxQuietRun lines and says that earlier changes exist.
constexpr std::size_t kMaxQuietRun = 200;

// JOIN, PART, QUIT and NICK lines (RFC 2812 §3.2.1, §3.2.2, §3.1.7, §3.1.2):
// membership noise that collapses. Kicks, topics and modes stay separate.
bool IsQuietEvent(const ChatLine& line);

struct QuietRun {
  // Not the last line of its run: the view hides this row (the run's last
  // row speaks for it).
  bool hidden = false;
  // Lines in the run that ends at this line (1 for a lone event, 0 when the
  // line is not a quiet event); at most kMaxQuietRun.
  std::size_t count = 0;
  // Plain UTF-8 text (not markup) when count >= 2, e.g.
  // "alice, bob joined; carol left; dave is now dave2"; "" otherwise (show
  // the line itself). Each verb lists at most 3 nicks, then "and N others".
  std::string summary;
};

// What row `i` of `lines` shows. `i` must be < lines.size(). Reads at most
// kMaxQuietRun lines before `i` and the one after it.
QuietRun DescribeQuietRun(const std::deque<ChatLine>& lines, std::size_t i);

}  // namespace chat::client

#endif  // CHAT_LIBCHAT_QUIET_EVENTS_H_
