// chatgtk::AdaptiveLayout: the main window's layout by width, as GNOME's
// adaptive apps do it with libadwaita 1.2 (Debian 12). Two AdwFlaps from
// main_window.ui hold the sidebar and the member panel; this class folds
// them by the window's width:
//   width >= kMembersFoldWidth  sidebar | messages | members side by side
//   width >= kSidebarFoldWidth  sidebar | messages; members slide over
//   narrower                    messages only; the sidebar slides over
//                                (header button or F9), compact header
// A folded flap covers the messages with a shield; picking a conversation,
// Escape or a click outside closes it. Nothing is clipped down to 360 px.
// libadwaita 1.2 has no AdwBreakpoint (1.4), so a small bin widget reports
// the width (the fold policies and header are changed from an idle, never
// during the size allocation).
//
// For the UI tests, each change of layout is logged with
// G_MESSAGES_DEBUG=chat-gtk: "layout: width=W folded=S,M" then, per named
// widget (send_button, composer, banner_label, reconnect_button,
// header_bar, message_list), its bounds in the window.
#ifndef CHAT_GTKCLIENT_ADAPTIVE_LAYOUT_H_
#define CHAT_GTKCLIENT_ADAPTIVE_LAYOUT_H_

#include <gtkmm.h>

#include <memory>

#include "gtkclient/sidebar.h"

namespace chatgtk {

class AdaptiveLayout : public sigc::trackable {
 public:
  static constexpr int kSidebarFoldWidth = 720;   // px: below, the sidebar overlays
  static constexpr int kMembersFoldWidth = 980;   // px: below, the member panel overlays
  static constexpr int kCompactHeaderWidth = 560; // px: below, the status shows as a dot only

  // Takes "sidebar_flap", "members_flap", "sidebar_toggle" and
  // "status_label" from `builder` and wraps `window`'s child to watch its
  // width. `window` and `sidebar` must outlive this object.
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
  void OnWidth(int width);
  void Apply();
  void LogLayout();

  Gtk::Window& window_;
  GtkWidget* sidebar_flap_ = nullptr;  // AdwFlap
  GtkWidget* members_flap_ = nullptr;  // AdwFlap
  Gtk::ToggleButton* sidebar_toggle_ = nullptr;
  Gtk::Label* status_label_ = nullptr;
  class WidthBin;
  WidthBin* bin_ = nullptr;  // owned by the window
  int width_ = 0;
  int applied_width_ = -1;
  sigc::connection apply_idle_, log_idle_;
  gulong members_handler_ = 0;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_ADAPTIVE_LAYOUT_H_
