// chatgtk::SetAccessibleLabel: the accessible name screen readers (and UI
// tests) use for a widget. gtkmm 4.8 only offers the Glib::ValueBase form.
#ifndef CHAT_GTKCLIENT_A11Y_H_
#define CHAT_GTKCLIENT_A11Y_H_

#include <gtkmm.h>

#include <string>

namespace chatgtk {

// Sets `widget`'s GTK_ACCESSIBLE_PROPERTY_LABEL to `label` (UTF-8).
inline void SetAccessibleLabel(Gtk::Widget& widget, const std::string& label) {
  gtk_accessible_update_property(GTK_ACCESSIBLE(widget.gobj()), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 label.c_str(), -1);
}

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_A11Y_H_
