#include "gtkclient/member_panel.h"

#include <glibmm/ustring.h>

#include "gtkclient/a11y.h"
#include "gtkclient/nick_color.h"

namespace chatgtk {

using chat::client::Member;

namespace {

// The widget of one row; Bind sets everything (rows are updated in place).
class MemberRowWidget : public Gtk::Box {
 public:
  explicit MemberRowWidget(MemberPanel* panel) : Gtk::Box(Gtk::Orientation::HORIZONTAL, 8) {
    add_css_class("member-row");
    heading_.set_xalign(0);
    heading_.add_css_class("sidebar-heading");
    heading_.set_hexpand(true);
    append(heading_);
    append(dot_);
    dot_.set_text("●");
    name_.set_xalign(0);
    name_.set_hexpand(true);
    name_.set_ellipsize(Pango::EllipsizeMode::END);
    append(name_);
    guest_.set_text("guest");
    guest_.add_css_class("guest-badge");
    guest_.set_valign(Gtk::Align::CENTER);
    append(guest_);
    role_.set_text("operator");
    role_.add_css_class("dim-label");
    role_.add_css_class("caption");
    append(role_);
    auto click = Gtk::GestureClick::create();
    click->set_button(GDK_BUTTON_SECONDARY);
    click->signal_pressed().connect([this, panel](int, double x, double y) {
      if (!row_.heading && !row_.name.empty()) panel->signal_member_menu.emit(row_.name, this, x, y);
    });
    add_controller(click);
  }

  void Bind(const MemberRow& row) {
    row_ = row;
    heading_.set_visible(row.heading);
    dot_.set_visible(!row.heading);
    name_.set_visible(!row.heading);
    guest_.set_visible(!row.heading && row.guest);
    role_.set_visible(!row.heading && row.op);
    if (row.heading) {
      heading_.set_text(row.name);
      set_tooltip_text("");
      return;
    }
    for (const char* c : {"presence-online", "presence-away", "presence-offline"}) dot_.remove_css_class(c);
    dot_.add_css_class(row.dot_css);
    name_.set_markup(row.markup);
    if (row.dim) name_.add_css_class("dim-label"); else name_.remove_css_class("dim-label");
    set_tooltip_text(row.tooltip);
    SetAccessibleLabel(*this, row.tooltip);
  }

 private:
  MemberRow row_;
  Gtk::Label heading_, dot_, name_, guest_, role_;
};

}  // namespace

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
  list_.set_name("member_list");
  SetAccessibleLabel(list_, "Members");
  list_.signal_row_activated().connect([this](Gtk::ListBoxRow* row) {
    int index = row->get_index();
    if (index >= 0 && static_cast<std::size_t>(index) < rows_.size() &&
        !rows_[static_cast<std::size_t>(index)].heading)
      signal_member_activated.emit(rows_[static_cast<std::size_t>(index)].name);
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
  std::vector<MemberRow> rows;
  // Case-insensitive substring match on nick and account.
  Glib::ustring needle = Glib::ustring(search_.get_text()).casefold();
  auto matches = [&](const Member& m) {
    if (needle.empty()) return true;
    return Glib::ustring(m.nick).casefold().find(needle) != Glib::ustring::npos ||
           Glib::ustring(m.account).casefold().find(needle) != Glib::ustring::npos;
  };
  auto heading = [&](std::string text) {
    MemberRow row;
    row.heading = true;
    row.key = "#" + text.substr(0, text.find(' '));
    row.name = std::move(text);
    rows.push_back(std::move(row));
  };
  struct Section {
    Member::State state;
    const char* title;
    const char* css;
  };
  const Section sections[] = {{Member::State::kOnline, "Online", "presence-online"},
                              {Member::State::kAway, "Away", "presence-away"},
                              {Member::State::kOffline, "Offline", "presence-offline"}};
  int shown = 0;
  for (const Section& section : sections) {
    std::size_t count = 0;
    for (const Member& m : members_)
      if (m.state == section.state && matches(m)) ++count;
    if (count == 0) continue;
    heading(std::string(section.title) + " — " + std::to_string(count));
    for (const Member& m : members_) {
      if (m.state != section.state || !matches(m)) continue;
      const std::string& name = m.nick.empty() ? m.account : m.nick;
      MemberRow row;
      row.key = name;
      row.name = name;
      row.dot_css = section.css;
      std::string prefix = m.op ? "@" : m.voice ? "+" : "";
      row.markup = "<span foreground=\"" + NickColor(name) + "\">" +
                   Glib::Markup::escape_text(prefix + name) + "</span>" +
                   (name == self_ ? " <span alpha=\"60%\">(you)</span>" : "");
      row.dim = section.state == Member::State::kOffline;
      row.op = m.op;
      row.guest = m.account.empty();
      row.tooltip = name + (m.account.empty() ? " (guest, no account)" : " (account " + m.account + ")") +
                    ", " + section.title +
                    (m.away_message.empty() ? "" : ": " + m.away_message);
      rows.push_back(std::move(row));
      ++shown;
    }
  }
  if (shown == 0) heading(members_.empty() ? "No members" : "No member matches");

  // Common prefix and suffix (by key) stay, updated in place where their
  // content changed; only the middle is replaced. Replacing items makes the
  // list re-measure, so this keeps a join to one new row.
  auto update = [this](std::size_t index, const MemberRow& row) {
    if (rows_[index] == row) return;
    Gtk::ListBoxRow* widget = list_.get_row_at_index(static_cast<int>(index));
    if (auto* child = widget ? dynamic_cast<MemberRowWidget*>(widget->get_child()) : nullptr) {
      child->Bind(row);
      widget->set_activatable(!row.heading);
    }
  };
  std::size_t prefix = 0;
  while (prefix < rows.size() && prefix < rows_.size() && rows[prefix].key == rows_[prefix].key) {
    update(prefix, rows[prefix]);
    ++prefix;
  }
  std::size_t suffix = 0;
  while (suffix < rows.size() - prefix && suffix < rows_.size() - prefix &&
         rows[rows.size() - 1 - suffix].key == rows_[rows_.size() - 1 - suffix].key) {
    update(rows_.size() - 1 - suffix, rows[rows.size() - 1 - suffix]);
    ++suffix;
  }
  if (prefix == rows.size() && prefix == rows_.size()) {
    rows_ = std::move(rows);
    return;
  }
  for (std::size_t i = prefix; i < rows_.size() - suffix; ++i) {
    if (Gtk::ListBoxRow* old = list_.get_row_at_index(static_cast<int>(prefix))) list_.remove(*old);
  }
  for (std::size_t i = prefix; i < rows.size() - suffix; ++i) {
    auto* child = Gtk::make_managed<MemberRowWidget>(this);
    child->Bind(rows[i]);
    auto* widget = Gtk::make_managed<Gtk::ListBoxRow>();
    widget->set_child(*child);
    widget->set_activatable(!rows[i].heading);
    if (rows[i].heading) widget->add_css_class("heading-row");
    list_.insert(*widget, static_cast<int>(i));
  }
  rows_ = std::move(rows);
}

}  // namespace chatgtk
