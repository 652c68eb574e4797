// The sidebar's conversation menu.
#include "gtkclient/conversation_menu.h"

namespace chatgtk {

ConversationMenu::ConversationMenu(Sidebar& sidebar, Preferences& prefs, std::string server)
    : prefs_(prefs), server_(std::move(server)), menu_(sidebar, "conv") {
  auto section = Gio::Menu::create();
  section->append("_Mute Conversation", "conv.mute");
  menu_.model()->append_section(section);
  mute_ = menu_.actions()->add_action_bool("mute", [this] {
    bool muted = false;
    mute_->get_state(muted);
    mute_->change_state(!muted);
    prefs_.SetMuted(server_, current_, !muted);
  });
  sidebar.signal_context_menu.connect(sigc::mem_fun(*this, &ConversationMenu::Popup));
}

bool ConversationMenu::Popup(const std::string& key, const Gdk::Rectangle& where) {
  current_ = key;
  mute_->change_state(prefs_.IsMuted(server_, key));
  menu_.PopupAt(where);
  return true;
}

}  // namespace chatgtk
