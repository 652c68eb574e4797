// chatgtk::Sidebar: the conversation list on the left: sections "Channels"
// and "Direct Messages", each row with the name, an unread badge and a
// highlight when someone mentioned us; muted conversations are dimmed and
// never bold (preferences.h).
#ifndef CHAT_GTKCLIENT_SIDEBAR_H_
#define CHAT_GTKCLIENT_SIDEBAR_H_

#include <gtkmm.h>

#include <functional>
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

  // Which conversations are muted (by key); consulted by Update.
  void SetMutedTest(std::function<bool(const std::string&)> is_muted) { is_muted_ = std::move(is_muted); }

  // The user picked a conversation (its key).
  sigc::signal<void(std::string)> signal_selected;
  // The user asked for the context menu of conversation `key` (right click,
  // Menu key, Shift+F10) at `where` (Sidebar coordinates). Returns whether
  // a menu was shown (conversation_menu.h connects it).
  sigc::signal<bool(std::string, Gdk::Rectangle)> signal_context_menu;

 private:
  void OnRowSelected(Gtk::ListBoxRow* row);

  Gtk::ScrolledWindow scroller_;
  Gtk::ListBox list_;
  std::vector<std::string> row_keys_;  // by row index; "" for section headings
  std::string selected_;
  bool updating_ = false;
  std::function<bool(const std::string&)> is_muted_;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_SIDEBAR_H_
