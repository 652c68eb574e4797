#include "gtkclient/member_panel.h"

#include <glibmm/ustring.h>

#include "gtkclient/a11y.h"
#include "gtkclient/nick_color.h"

namespace chatgtk {

using chat::client::Member;

MemberPanel::MemberPanel() : Gtk::Box(Gtk::Orientation::VERTICAL) {
  add_css_class("member-panel");
  g_object_set(search_.gobj(), "placeholder-text", "Search members", nullptr);
  search_.set_name("member_search");
  search_.set_margin(8);
  SetAccessibleLabel(search_, "Search members");
  search_.signal_search_changed().connect(sigc::mem_fun(*this, &MemberPanel::Rebuild));
  append(search_);
  list_.set_selection_mode(Gtk::SelectionMode::NONE);
  list_.add_css_class("navigation-sidebar");
  SetAccessibleLabel(list_, "Members");
  list_.signal_row_activated().connect([this](Gtk::ListBoxRow* row) {
    int index = row->get_index();
    if (index >= 0 && static_cast<std::size_t>(index) < row_names_.size() &&
        !row_names_[static_cast<std::size_t>(index)].empty())
      signal_member_activated.emit(row_names_[static_cast<std::size_t>(index)]);
  });
  scroller_.set_child(list_);
  scroller_.set_vexpand(true);
  scroller_.set_policy(Gtk::PolicyType::NEVER, Gtk::PolicyType::AUTOMATIC);
  append(scroller_);
}

void MemberPanel::SetMembers(const std::vector<Member>* members) {
  members_ = members ? *members : std::vector<Member>();
  Rebuild();
}

void MemberPanel::SetSelf(const std::string& nick) { self_ = nick; }

void MemberPanel::ClearSearch() { search_.set_text(""); }

void MemberPanel::Rebuild() {
  while (Gtk::Widget* child = list_.get_first_child()) list_.remove(*child);
  row_names_.clear();
  // Case-insensitive substring match on nick and account.
  Glib::ustring needle = Glib::ustring(search_.get_text()).casefold();
  auto matches = [&](const Member& m) {
    if (needle.empty()) return true;
    return Glib::ustring(m.nick).casefold().find(needle) != Glib::ustring::npos ||
           Glib::ustring(m.account).casefold().find(needle) != Glib::ustring::npos;
  };
  auto add_label_row = [this](const std::string& text, const char* css) {
    auto* label = Gtk::make_managed<Gtk::Label>(text);
    label->set_xalign(0);
    label->add_css_class(css);
    auto* row = Gtk::make_managed<Gtk::ListBoxRow>();
    row->set_child(*label);
    row->set_activatable(false);
    row->add_css_class("heading-row");
    list_.append(*row);
    row_names_.push_back("");
  };
  struct Section {
    Member::State state;
    const char* title;
  };
  const Section sections[] = {{Member::State::kOnline, "Online"},
                              {Member::State::kAway, "Away"},
                              {Member::State::kOffline, "Offline"}};
  int shown = 0;
  for (const Section& section : sections) {
    std::vector<const Member*> in_section;
    for (const Member& m : members_)
      if (m.state == section.state && matches(m)) in_section.push_back(&m);
    if (in_section.empty()) continue;
    add_label_row(std::string(section.title) + " — " + std::to_string(in_section.size()),
                  "sidebar-heading");
    for (const Member* m : in_section) {
      const std::string& name = m->nick.empty() ? m->account : m->nick;
      auto* box = Gtk::make_managed<Gtk::Box>(Gtk::Orientation::HORIZONTAL, 8);
      auto* dot = Gtk::make_managed<Gtk::Label>("●");
      dot->add_css_class(section.state == Member::State::kOnline ? "presence-online"
                         : section.state == Member::State::kAway ? "presence-away"
                                                                 : "presence-offline");
      box->append(*dot);
      auto* label = Gtk::make_managed<Gtk::Label>();
      std::string prefix = m->op ? "@" : m->voice ? "+" : "";
      label->set_markup("<span foreground=\"" + NickColor(name) + "\">" +
                        Glib::Markup::escape_text(prefix + name) + "</span>" +
                        (name == self_ ? " <span alpha=\"60%\">(you)</span>" : ""));
      label->set_xalign(0);
      label->set_hexpand(true);
      label->set_ellipsize(Pango::EllipsizeMode::END);
      if (section.state == Member::State::kOffline) label->add_css_class("dim-label");
      box->append(*label);
      if (m->op) {
        auto* role = Gtk::make_managed<Gtk::Label>("operator");
        role->add_css_class("dim-label");
        role->add_css_class("caption");
        box->append(*role);
      }
      auto* row = Gtk::make_managed<Gtk::ListBoxRow>();
      row->set_child(*box);
      row->set_tooltip_text(m->account.empty() ? name + " (guest)" : name + " (account " + m->account + ")");
      SetAccessibleLabel(*row, name + ", " + section.title);
      list_.append(*row);
      row_names_.push_back(name);
      ++shown;
    }
  }
  if (shown == 0)
    add_label_row(members_.empty() ? "No members" : "No member matches", "sidebar-empty");
}

}  // namespace chatgtk
