// The message context menu: its model, its copy actions, the clipboard.
#include "gtkclient/message_menu.h"

#include "gtkclient/linkify.h"

namespace chatgtk {

namespace {

// An item that is left out of the menu while its action is disabled.
Glib::RefPtr<Gio::MenuItem> HiddenWhenDisabled(const char* label, const char* action) {
  auto item = Gio::MenuItem::create(label, action);
  item->set_attribute_value("hidden-when", Glib::Variant<Glib::ustring>::create("action-disabled"));
  return item;
}

}  // namespace

MessageMenu::MessageMenu(MessageView& view) : view_(view), menu_(view, "msg") {
  auto copy = Gio::Menu::create();
  copy->append("_Copy Text", "msg.copy-text");
  copy->append_item(HiddenWhenDisabled("Copy _Link", "msg.copy-link"));
  copy->append_item(HiddenWhenDisabled("Copy Message _ID", "msg.copy-id"));
  menu_.model()->append_section(copy);
  menu_.actions()->add_action("copy-text", [this] { Copy("text", current_.text); });
  copy_link_ = menu_.actions()->add_action("copy-link", [this] { Copy("link", link_); });
  copy_id_ = menu_.actions()->add_action("copy-id", [this] { Copy("id", current_.msgid); });
  view_.signal_context_menu.connect(sigc::mem_fun(*this, &MessageMenu::Popup));
}

bool MessageMenu::Popup(const MessageRef& ref, const Gdk::Rectangle& where) {
  current_ = ref;
  link_ = FirstLink(ref.text);
  copy_link_->set_enabled(!link_.empty());
  copy_id_->set_enabled(!ref.msgid.empty());
  signal_prepare.emit(current_);
  menu_.PopupAt(where);
  return true;
}

void MessageMenu::Copy(const std::string& what, const std::string& text) {
  view_.get_clipboard()->set_text(text);
  // For the UI tests (G_MESSAGES_DEBUG=chat-gtk), like notifications.
  g_log("chat-gtk", G_LOG_LEVEL_DEBUG, "clipboard %s: %s", what.c_str(), text.c_str());
}

}  // namespace chatgtk
