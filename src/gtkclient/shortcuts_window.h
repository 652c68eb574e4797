// chatgtk::InstallShortcutsWindow: the keyboard shortcuts window
// (Gtk::ShortcutsWindow from the "/dev/chatd/ChatGtk/ui/shortcuts.ui"
// resource) as `window`'s help overlay: the action win.show-help-overlay,
// bound to Ctrl+? (and Ctrl+F1), opens it. Main thread only.
#ifndef CHAT_GTKCLIENT_SHORTCUTS_WINDOW_H_
#define CHAT_GTKCLIENT_SHORTCUTS_WINDOW_H_

#include <gtkmm.h>

namespace chatgtk {

// `window` owns the shortcuts window afterwards (GTK destroys it with it).
void InstallShortcutsWindow(Gtk::ApplicationWindow& window);

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_SHORTCUTS_WINDOW_H_
