// ContextMenu and AttachContextRequest.
#include "gtkclient/context_menu.h"

#include <algorithm>

namespace chatgtk {

ContextMenu::ContextMenu(Gtk::Widget& parent, const std::string& prefix)
    : parent_(parent),
      prefix_(prefix),
      model_(Gio::Menu::create()),
      actions_(Gio::SimpleActionGroup::create()) {
  popover_.set_menu_model(model_);
  popover_.set_has_arrow(false);
  popover_.set_halign(Gtk::Align::START);
  popover_.set_parent(parent_);
  parent_.insert_action_group(prefix_, actions_);
}

ContextMenu::~ContextMenu() {
  gtk_widget_insert_action_group(parent_.gobj(), prefix_.c_str(), nullptr);  // removes it
  popover_.unparent();
}

void ContextMenu::PopupAt(const Gdk::Rectangle& where) {
  popover_.set_pointing_to(where);
  popover_.popup();
}

void AttachContextRequest(Gtk::Widget& widget,
                          std::function<bool(double x, double y, bool keyboard)> on_request) {
  auto click = Gtk::GestureClick::create();
  click->set_button(GDK_BUTTON_SECONDARY);
  click->set_propagation_phase(Gtk::PropagationPhase::CAPTURE);
  click->signal_pressed().connect([on_request, gesture = click.get()](int, double x, double y) {
    if (on_request(x, y, false)) gesture->set_state(Gtk::EventSequenceState::CLAIMED);
  });
  widget.add_controller(click);

  auto keys = Gtk::ShortcutController::create();
  keys->set_propagation_phase(Gtk::PropagationPhase::CAPTURE);
  auto action = Gtk::CallbackAction::create(
      [on_request](Gtk::Widget&, const Glib::VariantBase&) { return on_request(0, 0, true); });
  keys->add_shortcut(Gtk::Shortcut::create(Gtk::ShortcutTrigger::parse_string("Menu|<Shift>F10"), action));
  widget.add_controller(keys);
}

Gdk::Rectangle BoundsIn(Gtk::Widget& child, Gtk::Widget& ancestor) {
  graphene_rect_t r;
  if (!gtk_widget_compute_bounds(child.gobj(), ancestor.gobj(), &r)) return Gdk::Rectangle(0, 0, 1, 1);
  return Gdk::Rectangle(static_cast<int>(r.origin.x), static_cast<int>(r.origin.y),
                        std::max(1, static_cast<int>(r.size.width)), std::max(1, static_cast<int>(r.size.height)));
}

}  // namespace chatgtk
