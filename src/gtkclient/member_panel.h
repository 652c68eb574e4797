// chatgtk::MemberPanel: the right-hand member list of a conversation, in
// sections Online, Away and Offline, with a search field that filters the
// members as the user types.
#ifndef CHAT_GTKCLIENT_MEMBER_PANEL_H_
#define CHAT_GTKCLIENT_MEMBER_PANEL_H_

#include <gtkmm.h>

#include <string>
#include <vector>

#include "libchat/client_core.h"

namespace chatgtk {

class MemberPanel : public Gtk::Box {
 public:
  MemberPanel();

  // Shows `members` (nullptr or empty: a "No members" hint).
  void SetMembers(const std::vector<chat::client::Member>* members);
  // Our own nick, marked "(you)" in the list.
  void SetSelf(const std::string& nick);
  // Clears the search field (when switching conversations).
  void ClearSearch();

  // The user activated a member row (its nick, or account when offline):
  // the window opens a direct conversation.
  sigc::signal<void(std::string)> signal_member_activated;

 private:
  void Rebuild();

  Gtk::SearchEntry search_;
  Gtk::ScrolledWindow scroller_;
  Gtk::ListBox list_;
  std::vector<chat::client::Member> members_;
  std::string self_;
  std::vector<std::string> row_names_;  // by row index; "" for headings
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_MEMBER_PANEL_H_
