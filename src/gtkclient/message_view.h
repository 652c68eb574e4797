// chatgtk::MessageView: a conversation's lines: sender and time shown once
// per group of consecutive messages (same sender, under 5 minutes apart),
// day separators, quieter system events, dimmed pending lines with a clock,
// highlighted mentions, per-nick colors and clickable links. A Gtk::ListView
// over a Gio::ListStore, updated by a prefix/suffix diff so appending or
// prepending does not rebuild widgets. Scrolling to the top asks for older
// history through signal_load_older.
#ifndef CHAT_GTKCLIENT_MESSAGE_VIEW_H_
#define CHAT_GTKCLIENT_MESSAGE_VIEW_H_

#include <gtkmm.h>

#include <cstdint>
#include <string>
#include <vector>

#include "libchat/client_core.h"

namespace chatgtk {

// One displayed row, computed from the model (exposed for the row factory).
struct MessageRow {
  enum class Type { kDay, kMessage, kEvent };
  Type type = Type::kMessage;
  bool header = false;   // show sender and time above the text
  std::string nick;      // sender
  std::string color;     // "#rrggbb" for the sender
  std::string time;      // "14:05" (local)
  std::string tooltip;   // full local date and time
  std::string markup;    // body as Pango markup (links, escaping)
  bool pending = false;
  bool mention = false;
  bool notice = false;
  std::string file_tag;  // +chatd.dev/file value: a file card is shown (files/file_card.h)
  std::string link;      // the message text when file_tag is set: the file's URL

  bool operator==(const MessageRow& o) const {
    return type == o.type && header == o.header && nick == o.nick && time == o.time &&
           markup == o.markup && pending == o.pending && mention == o.mention &&
           notice == o.notice && tooltip == o.tooltip &&
           file_tag == o.file_tag;
  }
};

// Turns a conversation's lines into display rows; `now_s` (Unix seconds)
// decides "Today"/"Yesterday". Pure apart from the local time zone.
std::vector<MessageRow> BuildMessageRows(const chat::client::Conversation& conv, int64_t now_s);

class MessageView : public Gtk::Box {
 public:
  MessageView();

  // Shows `conv` (nullptr: nothing). Call on every change of its lines; pass
  // `switched` when it is a different conversation than before, which jumps
  // to the newest line. Otherwise the view stays at the bottom if it was
  // there, and keeps its place when older lines arrive at the top.
  void Show(const chat::client::Conversation* conv, bool switched);

  // The user scrolled to the top of `key` and older history may exist.
  sigc::signal<void(std::string)> signal_load_older;

 private:
  void OnScroll();
  void ScrollToBottom();
  void MaybeLoadOlder();

  Gtk::ScrolledWindow scroller_;
  Glib::RefPtr<Gio::ListStore<Glib::Object>> store_;
  Gtk::ListView* list_ = nullptr;
  std::vector<MessageRow> rows_;
  std::string key_;
  bool complete_ = true;        // no older history to load
  bool loading_older_ = false;  // asked, waiting for lines
  bool at_bottom_ = true;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_MESSAGE_VIEW_H_
