// chatgtk::ConversationMenu: the context menu of a conversation in the
// sidebar (right click, Menu key, Shift+F10). Today it holds "Mute
// Conversation" (a check item, stored in Preferences); it is a Gio::Menu
// model whose actions live in the "conv" action group on the Sidebar, so
// other conversation actions (channel settings, leave, invite) add a
// section to model() and an action to actions() that reads current().
#ifndef CHAT_GTKCLIENT_CONVERSATION_MENU_H_
#define CHAT_GTKCLIENT_CONVERSATION_MENU_H_

#include <gtkmm.h>

#include <string>

#include "gtkclient/context_menu.h"
#include "gtkclient/preferences.h"
#include "gtkclient/sidebar.h"

namespace chatgtk {

class ConversationMenu {
 public:
  // `sidebar` and `prefs` must outlive the menu; `server` is the session's
  // Connection::HostPort (mutes are per server).
  ConversationMenu(Sidebar& sidebar, Preferences& prefs, std::string server);

  // The key of the conversation the menu was opened on.
  const std::string& current() const { return current_; }
  Glib::RefPtr<Gio::Menu> model() { return menu_.model(); }
  Glib::RefPtr<Gio::SimpleActionGroup> actions() { return menu_.actions(); }

 private:
  bool Popup(const std::string& key, const Gdk::Rectangle& where);

  Preferences& prefs_;
  std::string server_;
  ContextMenu menu_;
  std::string current_;
  Glib::RefPtr<Gio::SimpleAction> mute_;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_CONVERSATION_MENU_H_
