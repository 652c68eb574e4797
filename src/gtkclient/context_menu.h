// chatgtk::ContextMenu: a context menu built from a Gio::Menu model, with
// its actions in a Gio::SimpleActionGroup, shown as a Gtk::PopoverMenu
// pointing at a spot of its parent widget. And AttachContextRequest, which
// turns a right click, the Menu key and Shift+F10 on a widget into one
// callback (the keyboard ones as the GNOME HIG asks for every context menu).
// Used by the message menu (message_menu.h) and the conversation menu
// (conversation_menu.h). Main thread only.
#ifndef CHAT_GTKCLIENT_CONTEXT_MENU_H_
#define CHAT_GTKCLIENT_CONTEXT_MENU_H_

#include <gtkmm.h>

#include <functional>
#include <string>

namespace chatgtk {

class ContextMenu {
 public:
  // The popover is parented to `parent` (which must outlive this object)
  // and the actions are inserted into it as "<prefix>.<name>".
  ContextMenu(Gtk::Widget& parent, const std::string& prefix);
  ~ContextMenu();
  ContextMenu(const ContextMenu&) = delete;
  ContextMenu& operator=(const ContextMenu&) = delete;

  Glib::RefPtr<Gio::Menu> model() { return model_; }
  Glib::RefPtr<Gio::SimpleActionGroup> actions() { return actions_; }
  // Shows the menu pointing at `where` (parent coordinates).
  void PopupAt(const Gdk::Rectangle& where);

 private:
  Gtk::Widget& parent_;
  std::string prefix_;
  Glib::RefPtr<Gio::Menu> model_;
  Glib::RefPtr<Gio::SimpleActionGroup> actions_;
  Gtk::PopoverMenu popover_;
};

// Calls `on_request(x, y, keyboard)` when the user asks for a context menu
// on `widget` or a descendant: a secondary click at (x, y) (widget
// coordinates; keyboard false), or the Menu key / Shift+F10 (keyboard true,
// x and y 0: use the focused descendant). Both are handled in the capture
// phase, so they win over a descendant's own menu (a selectable
// Gtk::Label's copy menu). `on_request` returns whether it showed a menu.
void AttachContextRequest(Gtk::Widget& widget,
                          std::function<bool(double x, double y, bool keyboard)> on_request);

// `w` or its nearest ancestor that is a T; nullptr if none.
template <class T>
T* SelfOrAncestor(Gtk::Widget* w) {
  for (; w; w = w->get_parent())
    if (auto* t = dynamic_cast<T*>(w)) return t;
  return nullptr;
}

// The widget with the keyboard focus in `widget`'s window, nullptr if none.
inline Gtk::Widget* FocusIn(Gtk::Widget& widget) {
  return widget.get_root() ? widget.get_root()->get_focus() : nullptr;
}

// The bounds of `child` in `ancestor`'s coordinates; a 1x1 rectangle at 0,0
// when they are not related.
Gdk::Rectangle BoundsIn(Gtk::Widget& child, Gtk::Widget& ancestor);

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_CONTEXT_MENU_H_
