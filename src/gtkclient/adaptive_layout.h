// chatgtk::AdaptiveLayout: the main window's layout by width, as GNOME's
// adaptive apps do it with libadwaita 1.2 (Debian 12). Two AdwFlaps from
// main_window.ui hold the sidebar and the member panel; this class folds
// them by the window's width:
//   width >= kMembersFoldWidth  sidebar | messages | members side by side
//   width >= kSidebarFoldWidth  sidebar | messages; members slide over
//   narrower                    messages only; the sidebar slides over
//                                (header button or F9); the status button
//                                shows its dot only, the title bar only Close,
//                                the banner its buttons below its text
// A folded flap covers the messages with a shield; picking a conversation,
// Escape or a click outside closes it. Nothing is clipped down to 360 px.
// libadwaita 1.2 has no AdwBreakpoint (1.4): the flaps fold by themselves
// (fold-policy auto, threshold natural) when the window is narrower than
// their flap plus their content's natural width, and a small bin fixes that
// natural width, which makes the widths above the breakpoints. The window's
// minimum width stays the folded one, so it shrinks to 360 px in one go.
//
// For the UI tests, each change of size is logged with
// G_MESSAGES_DEBUG=chat-gtk: "layout: width=W height=H folded=S,M" then,
// per named widget (send_button, composer, banner_label, reconnect_button,
// header_bar, message_list), its bounds in the window.
#ifndef CHAT_GTKCLIENT_ADAPTIVE_LAYOUT_H_
#define CHAT_GTKCLIENT_ADAPTIVE_LAYOUT_H_

#include <gtkmm.h>

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "gtkclient/sidebar.h"

namespace chatgtk {

class AdaptiveLayout : public sigc::trackable {
 public:
  static constexpr int kSidebarFoldWidth = 720;   // px: below, the sidebar overlays
  static constexpr int kMembersFoldWidth = 980;   // px: below, the member panel overlays

  // Takes "sidebar_flap", "members_flap", "sidebar_toggle", "status_label",
  // "header_bar", "banner", "banner_icon" and "banner_revealer" (whose child
  // it wraps) from `builder`, wraps the flaps' contents to set their
  // natural widths and `window`'s child to log its size. `window` and
  // `sidebar` must outlive this object.
  AdaptiveLayout(Gtk::Window& window, const Glib::RefPtr<Gtk::Builder>& builder, Sidebar& sidebar);
  ~AdaptiveLayout();

  // The member panel (the win.show-members toggle).
  void SetMembersShown(bool shown);
  bool MembersShown() const;
  // The member panel was closed or opened by the layout or the user (a
  // click beside the folded panel): the toggle's state follows.
  sigc::signal<void(bool)> signal_members_shown;

  // Shows or hides the sidebar (F9; only matters while folded).
  void ToggleSidebar();

 private:
  void OnSize();
  void OnFolded();
  void LogLayout();

  Gtk::Window& window_;
  GtkWidget* sidebar_flap_ = nullptr;  // AdwFlap
  GtkWidget* members_flap_ = nullptr;  // AdwFlap
  Gtk::ToggleButton* sidebar_toggle_ = nullptr;
  Gtk::Label* status_label_ = nullptr;
  Gtk::HeaderBar* header_bar_ = nullptr;
  Gtk::Box* banner_ = nullptr;
  Gtk::Widget* banner_icon_ = nullptr;
  class WidthBin;
  WidthBin* bin_ = nullptr;  // owned by the window
  bool members_folded_ = false;
  std::function<void()> on_folded_, on_members_;  // targets of handlers_
  sigc::connection log_timer_;
  std::vector<std::pair<GtkWidget*, gulong>> handlers_;  // GObject signals to disconnect
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_ADAPTIVE_LAYOUT_H_
