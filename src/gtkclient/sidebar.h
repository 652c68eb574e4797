// chatgtk::Sidebar: the conversation list on the left: sections "Channels"
// and "Direct Messages", each row with the name, an unread badge and a
// highlight when someone mentioned us.
#ifndef CHAT_GTKCLIENT_SIDEBAR_H_
#define CHAT_GTKCLIENT_SIDEBAR_H_

#include <gtkmm.h>

#include <string>
#include <vector>

#include "libchat/client_core.h"

namespace chatgtk {

class Sidebar : public Gtk::Box {
 public:
  Sidebar();

  // Rebuilds the rows from `core.conversations()` (sidebar order), keeping
  // the selected conversation selected. Does not emit signal_selected.
  void Update(const chat::client::Core& core);
  // Selects `key` ("" for none) without emitting signal_selected.
  void Select(const std::string& key);

  // The user picked a conversation (its key).
  sigc::signal<void(std::string)> signal_selected;

 private:
  void OnRowSelected(Gtk::ListBoxRow* row);

  Gtk::ScrolledWindow scroller_;
  Gtk::ListBox list_;
  std::vector<std::string> row_keys_;  // by row index; "" for section headings
  std::string selected_;
  bool updating_ = false;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_SIDEBAR_H_
