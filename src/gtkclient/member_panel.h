// chatgtk::MemberPanel: the right-hand member list of a conversation, in
// sections Online, Away and Offline, with a search field that filters the
// members as the user types. A Gtk::ListBox updated by a prefix/suffix diff
// of the rows (rows with the same key are updated in
// place), so a join or quit in a big channel inserts or removes one row and
// relabels its section heading instead of rebuilding the list. Each member row shows a
// presence dot, the nick, "operator", and a "guest" badge for members
// without an account; its tooltip gives the account and the away message.
// A right click (or Menu key) on a member asks for the member menu.
#ifndef CHAT_GTKCLIENT_MEMBER_PANEL_H_
#define CHAT_GTKCLIENT_MEMBER_PANEL_H_

#include <gtkmm.h>

#include <string>
#include <vector>

#include "libchat/client_core.h"

namespace chatgtk {

// One displayed row (a section heading or a member), computed from the model.
struct MemberRow {
  std::string key;      // identity across updates: "#Online" for a heading, else the name
  bool heading = false;
  std::string name;     // nick (account when offline); heading text for headings
  std::string markup;   // the name as shown (color, "(you)")
  std::string dot_css;  // "presence-online" / "presence-away" / "presence-offline"
  std::string tooltip;
  bool dim = false;     // offline
  bool op = false;
  bool guest = false;   // no account: a "guest" badge
  bool operator==(const MemberRow& o) const {
    return heading == o.heading && name == o.name && markup == o.markup && dot_css == o.dot_css &&
           tooltip == o.tooltip && dim == o.dim && op == o.op && guest == o.guest;
  }
};

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
  // Right click on a member: show its menu pointing at `widget` (x, y in
  // the widget's coordinates).
  sigc::signal<void(std::string, Gtk::Widget*, double, double)> signal_member_menu;

 private:
  void Rebuild();

  Gtk::SearchEntry search_;
  Gtk::ScrolledWindow scroller_;
  Gtk::ListBox list_;
  std::vector<chat::client::Member> members_;
  std::string self_;
  std::vector<MemberRow> rows_;  // what store_ holds
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_MEMBER_PANEL_H_
