// chatgtk::MessageMenu: the context menu of a message in the MessageView
// (right click, Menu key, Shift+F10): Copy Text, Copy Link (when the text
// holds a URL), Copy Message ID (when the server gave one). Replaces GTK's
// own text menu of the selectable message label.
//
// The menu is a Gio::Menu model with one section per kind of action, and
// the actions live in the "msg" action group on the MessageView, so more
// actions plug in without touching the menu code: the reply, react, edit and
// delete actions of the conformance issue add a section to model() (e.g.
// AddSection("Reply", "msg.reply") at construction) and an action to
// actions() that reads current() (its msgid is the +draft/reply target),
// enabling it per message in the Prepare hook (signal_prepare).
#ifndef CHAT_GTKCLIENT_MESSAGE_MENU_H_
#define CHAT_GTKCLIENT_MESSAGE_MENU_H_

#include <gtkmm.h>

#include "gtkclient/context_menu.h"
#include "gtkclient/message_view.h"

namespace chatgtk {

class MessageMenu {
 public:
  // `view` must outlive the menu.
  explicit MessageMenu(MessageView& view);

  // The message the menu was opened on (valid while it is shown).
  const MessageRef& current() const { return current_; }
  Glib::RefPtr<Gio::Menu> model() { return menu_.model(); }
  Glib::RefPtr<Gio::SimpleActionGroup> actions() { return menu_.actions(); }
  // Emitted before the menu shows, after current() is set: enable or
  // disable actions for this message here.
  sigc::signal<void(const MessageRef&)> signal_prepare;

 private:
  bool Popup(const MessageRef& ref, const Gdk::Rectangle& where);
  void Copy(const std::string& what, const std::string& text);

  MessageView& view_;
  ContextMenu menu_;
  MessageRef current_;
  std::string link_;  // FirstLink(current_.text)
  Glib::RefPtr<Gio::SimpleAction> copy_link_, copy_id_;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_MESSAGE_MENU_H_
