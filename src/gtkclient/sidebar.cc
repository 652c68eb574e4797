#include "gtkclient/sidebar.h"

#include "gtkclient/a11y.h"
#include "gtkclient/context_menu.h"

namespace chatgtk {

using chat::client::Conversation;

Sidebar::Sidebar() : Gtk::Box(Gtk::Orientation::VERTICAL) {
  scroller_.set_policy(Gtk::PolicyType::NEVER, Gtk::PolicyType::AUTOMATIC);
  scroller_.set_vexpand(true);
  scroller_.set_child(list_);
  list_.set_selection_mode(Gtk::SelectionMode::SINGLE);
  list_.add_css_class("navigation-sidebar");
  list_.set_name("sidebar_list");
  SetAccessibleLabel(list_, "Conversations");
  list_.signal_row_selected().connect(sigc::mem_fun(*this, &Sidebar::OnRowSelected));
  append(scroller_);
  AttachContextRequest(list_, [this](double x, double y, bool keyboard) {
    Gtk::ListBoxRow* row = keyboard ? SelfOrAncestor<Gtk::ListBoxRow>(FocusIn(list_))
                                    : list_.get_row_at_y(static_cast<int>(y));
    int index = row ? row->get_index() : -1;
    if (index < 0 || static_cast<std::size_t>(index) >= row_keys_.size() || row_keys_[index].empty())
      return false;
    Gdk::Rectangle where = BoundsIn(*row, *this);
    if (!keyboard) {
      double sx = 0, sy = 0;
      list_.translate_coordinates(*this, x, y, sx, sy);
      where = Gdk::Rectangle(static_cast<int>(sx), static_cast<int>(sy), 1, 1);
    }
    return signal_context_menu.emit(row_keys_[index], where);
  });
}

void Sidebar::Update(const chat::client::Core& core) {
  updating_ = true;
  while (Gtk::Widget* child = list_.get_first_child()) list_.remove(*child);
  row_keys_.clear();
  Gtk::ListBoxRow* selected_row = nullptr;

  // A row that is only text (a heading or "nothing here"): not selectable.
  auto add_text_row = [this](const char* text, std::initializer_list<const char*> css) {
    auto* label = Gtk::make_managed<Gtk::Label>(text);
    label->set_xalign(0);
    for (const char* c : css) label->add_css_class(c);
    auto* row = Gtk::make_managed<Gtk::ListBoxRow>();
    row->set_child(*label);
    row->set_selectable(false);
    row->set_activatable(false);
    row->add_css_class("heading-row");
    list_.append(*row);
    row_keys_.push_back("");
  };
  auto add_section = [&](Conversation::Kind kind, const char* heading) {
    add_text_row(heading, {"sidebar-heading"});
    int count = 0;
    for (const auto& conv : core.conversations()) {
      if (conv->kind != kind) continue;
      ++count;
      auto* box = Gtk::make_managed<Gtk::Box>(Gtk::Orientation::HORIZONTAL, 8);
      auto* icon = Gtk::make_managed<Gtk::Image>();
      if (kind == Conversation::Kind::kDirect) {
        icon->set_from_icon_name("avatar-default-symbolic");
      } else {
        icon->set_from_icon_name(conv->is_private ? "system-lock-screen-symbolic"
                                                  : "user-available-symbolic");
      }
      icon->add_css_class("dim-label");
      box->append(*icon);
      auto* name = Gtk::make_managed<Gtk::Label>(conv->name);
      name->set_xalign(0);
      name->set_hexpand(true);
      name->set_ellipsize(Pango::EllipsizeMode::END);
      const bool muted = is_muted_ && is_muted_(conv->key);
      if ((kind == Conversation::Kind::kChannel && !conv->joined) || muted) name->add_css_class("dim-label");
      box->append(*name);
      if (muted) {
        auto* bell = Gtk::make_managed<Gtk::Image>();
        bell->set_from_icon_name("notifications-disabled-symbolic");
        bell->add_css_class("dim-label");
        box->append(*bell);
      }
      if (conv->unread > 0 && !muted) {
        auto* badge = Gtk::make_managed<Gtk::Label>(
            conv->unread > 99 ? std::string("99+") : std::to_string(conv->unread));
        badge->add_css_class("unread-badge");
        if (conv->mentions > 0) badge->add_css_class("mention");
        badge->set_valign(Gtk::Align::CENTER);
        box->append(*badge);
        name->add_css_class("unread");
      }
      if (conv->mentions > 0 && !muted) name->add_css_class("mentioned");
      auto* row = Gtk::make_managed<Gtk::ListBoxRow>();
      row->set_child(*box);
      std::string accessible = conv->name;
      if (conv->unread > 0) accessible += ", " + std::to_string(conv->unread) + " unread";
      if (conv->mentions > 0) accessible += ", mentioned";
      if (muted) accessible += ", muted";
      SetAccessibleLabel(*row, accessible);
      row->set_tooltip_text(conv->topic.empty() ? conv->name : conv->name + "\n" + conv->topic);
      list_.append(*row);
      row_keys_.push_back(conv->key);
      if (conv->key == selected_) selected_row = row;
    }
    if (count == 0) {
      add_text_row(kind == Conversation::Kind::kChannel ? "No channels yet" : "No direct messages yet",
                   {"dim-label", "sidebar-empty"});
    }
  };
  add_section(Conversation::Kind::kChannel, "Channels");
  add_section(Conversation::Kind::kDirect, "Direct Messages");
  if (selected_row) list_.select_row(*selected_row);
  updating_ = false;
}

void Sidebar::Select(const std::string& key) {
  selected_ = key;
  updating_ = true;
  list_.unselect_all();
  for (std::size_t i = 0; i < row_keys_.size(); ++i) {
    if (!key.empty() && row_keys_[i] == key) {
      if (auto* row = list_.get_row_at_index(static_cast<int>(i))) list_.select_row(*row);
    }
  }
  updating_ = false;
}

void Sidebar::OnRowSelected(Gtk::ListBoxRow* row) {
  if (updating_ || !row) return;
  int index = row->get_index();
  if (index < 0 || static_cast<std::size_t>(index) >= row_keys_.size()) return;
  const std::string& key = row_keys_[static_cast<std::size_t>(index)];
  if (key.empty() || key == selected_) return;
  selected_ = key;
  signal_selected.emit(key);
}

}  // namespace chatgtk
