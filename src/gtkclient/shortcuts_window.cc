// The shortcuts window as the main window's help overlay.
#include "gtkclient/shortcuts_window.h"

namespace chatgtk {

void InstallShortcutsWindow(Gtk::ApplicationWindow& window) {
  GtkBuilder* builder = gtk_builder_new_from_resource("/dev/chatd/ChatGtk/ui/shortcuts.ui");
  GObject* overlay = gtk_builder_get_object(builder, "shortcuts_window");
  // GtkApplicationWindow takes its own reference and adds
  // win.show-help-overlay.
  gtk_application_window_set_help_overlay(window.gobj(), GTK_SHORTCUTS_WINDOW(overlay));
  g_object_unref(builder);
  auto keys = Gtk::ShortcutController::create();
  keys->set_scope(Gtk::ShortcutScope::MANAGED);
  keys->add_shortcut(Gtk::Shortcut::create(Gtk::ShortcutTrigger::parse_string("<Control>question|<Control>F1"),
                                           Gtk::NamedAction::create("win.show-help-overlay")));
  window.add_controller(keys);
}

}  // namespace chatgtk
