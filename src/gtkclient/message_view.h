// chatgtk::MessageView: a conversation's lines: sender and time shown once
// per group of consecutive messages (same sender, under 5 minutes apart),
// day separators, quieter system events, dimmed pending lines with a clock,
// highlighted mentions, per-nick colors and clickable links. A Gtk::ListView
// over a Gio::ListStore with one item per line. Updates are incremental: the
// view remembers the ChatLine::rev of every line it shows and rebuilds only
// the rows of new or changed lines (and the row after them, whose grouping
// depends on its predecessor), so an incoming message costs the same with
// 10 lines or 10,000 (doc/performance.md, chat-gtk). Scrolling to the top
// asks for older history through signal_load_older.
#ifndef CHAT_GTKCLIENT_MESSAGE_VIEW_H_
#define CHAT_GTKCLIENT_MESSAGE_VIEW_H_

#include <gtkmm.h>

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "libchat/client_core.h"

namespace chatgtk {

// One displayed row, computed from the model (exposed for the row factory).
struct MessageRow {
  enum class Type { kMessage, kEvent };
  Type type = Type::kMessage;
  std::string day;       // "Today", "Monday, March 2": a day separator above this row; "" none
  bool header = false;   // show sender and time above the text
  std::string nick;      // sender
  std::string color;     // "#rrggbb" for the sender
  std::string time;      // "14:05" (local)
  std::string tooltip;   // full local date and time
  std::string markup;    // body as Pango markup (links, escaping)
  bool pending = false;
  std::string status;    // "will be delivered when bob is back"; "" none
  bool mention = false;
  bool notice = false;
  std::string file_tag;  // +chatd.dev/file value: a file card is shown (files/file_card.h)
  std::string link;      // the message text when file_tag is set: the file's URL
  std::string msgid;     // the server's msgid ("" unknown): the context menu's Copy Message ID
  // A join/part/quit/nick that is not the last of its run
  // (libchat/quiet_events.h): only its day separator (if any) shows; the
  // run's last row shows the summary in `markup`.
  bool hidden = false;

  bool operator==(const MessageRow& o) const {
    return type == o.type && day == o.day && header == o.header && nick == o.nick && time == o.time &&
           markup == o.markup && pending == o.pending && status == o.status && mention == o.mention &&
           notice == o.notice && tooltip == o.tooltip && file_tag == o.file_tag && msgid == o.msgid &&
           hidden == o.hidden;
  }
};

// The row of `line`, given the line before it (nullptr for the first line):
// the day separator and the sender header show when they differ from it.
// `now` decides "Today"/"Yesterday". Pure apart from the local time zone.
MessageRow BuildMessageRow(const chat::client::ChatLine* prev, const chat::client::ChatLine& line,
                           const Glib::DateTime& now);
// What the context menu acts on (message_menu.h): the row's shown text
// (UTF-8, no markup) and the line's msgid ("" unknown).
struct MessageRef {
  std::string text;
  std::string msgid;
};

// All rows of a conversation, one per line; `now_s` in Unix seconds.
std::vector<MessageRow> BuildMessageRows(const chat::client::Conversation& conv, int64_t now_s);

class MessageView : public Gtk::Box {
 public:
  MessageView();
  ~MessageView() override;

  // Shows `conv` (nullptr: nothing). Call on every change of its lines; pass
  // `switched` when it is a different conversation than before, which jumps
  // to the newest line. Otherwise the view stays at the bottom if it was
  // there, and keeps its place when older lines arrive at the top.
  void Show(const chat::client::Conversation* conv, bool switched);

  // The user scrolled to the top of `key` and older history may exist.
  sigc::signal<void(std::string)> signal_load_older;
  // The user asked for a message's context menu (right click, Menu key,
  // Shift+F10) pointing at `where` (MessageView coordinates). Returns
  // whether a menu was shown (message_menu.h connects it).
  sigc::signal<bool(MessageRef, Gdk::Rectangle)> signal_context_menu;

 private:
  void Update(const chat::client::Conversation& conv, int64_t now_s);
  void OnScroll();
  void ScrollToBottom();
  void MaybeLoadOlder();

  Gtk::ScrolledWindow scroller_;
  Glib::RefPtr<Gio::ListStore<Glib::Object>> store_;
  Gtk::ListView* list_ = nullptr;
  // Rows of lines the core already trimmed, still at the top (see Update).
  static constexpr std::size_t kMaxStaleRows = 1000;
  std::size_t stale_ = 0;
  std::deque<uint64_t> revs_;  // ChatLine::rev of each row after the stale ones, in order
  std::string key_;
  int built_day_ = 0;           // local year*1000+day-of-year the rows were built on
  sigc::connection older_idle_;
  bool complete_ = true;        // no older history to load
  bool loading_older_ = false;  // asked, waiting for lines
  bool at_bottom_ = true;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_MESSAGE_VIEW_H_
