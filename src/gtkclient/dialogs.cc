#include "gtkclient/dialogs.h"

#include <algorithm>
#include <utility>

#include "gtkclient/a11y.h"
#include "gtkclient/linkify.h"
#include "libchat/casemap.h"

namespace chatgtk {
namespace {

constexpr std::size_t kMaxNickLen = 30;  // chatd's NICKLEN

// Escape closes `window` (GNOME dialogs cancel on Escape).
void CloseOnEscape(Gtk::Window& window) {
  auto shortcuts = Gtk::ShortcutController::create();
  shortcuts->add_shortcut(Gtk::Shortcut::create(
      Gtk::KeyvalTrigger::create(GDK_KEY_Escape),
      Gtk::CallbackAction::create([&window](Gtk::Widget&, const Glib::VariantBase&) {
        window.close();
        return true;
      })));
  window.add_controller(shortcuts);
}

// A modal form in the GNOME style: Cancel on the left of the header bar, the
// action on the right, Escape cancels, Enter in an entry accepts. Deletes
// itself after it is closed.
class FormDialog : public Gtk::Window {
 public:
  FormDialog(Gtk::Window& parent, const std::string& title, const std::string& action_label,
             bool destructive = false)
      : content_(Gtk::Orientation::VERTICAL, 12) {
    set_title(title);
    set_transient_for(parent);
    set_modal(true);
    set_default_size(420, -1);
    set_titlebar(header_);
    cancel_.set_label("_Cancel");
    cancel_.set_use_underline(true);
    cancel_.signal_clicked().connect([this] { close(); });
    action_.set_label(action_label);
    action_.set_use_underline(true);
    action_.add_css_class(destructive ? "destructive-action" : "suggested-action");
    action_.signal_clicked().connect([this] {
      if (!action_.get_sensitive()) return;
      if (on_accept) on_accept();
      close();
    });
    header_.set_show_title_buttons(false);
    header_.pack_start(cancel_);
    header_.pack_end(action_);
    content_.add_css_class("dialog-content");
    set_child(content_);
    set_default_widget(action_);
    CloseOnEscape(*this);
    signal_close_request().connect(
        [this] {
          Glib::signal_idle().connect_once([this] { delete this; });
          return false;
        },
        false);
  }

  // A caption label above a field.
  void AddLabeled(const std::string& text, Gtk::Widget& field) {
    auto* label = Gtk::make_managed<Gtk::Label>(text);
    label->set_xalign(0);
    label->set_use_underline(true);
    label->set_mnemonic_widget(field);
    label->add_css_class("heading");
    content_.append(*label);
    content_.append(field);
  }

  // A labelled one-line entry; Enter in it accepts the form.
  Gtk::Entry* AddEntry(const std::string& label, const char* name, const char* placeholder) {
    auto* entry = Gtk::make_managed<Gtk::Entry>();
    entry->set_placeholder_text(placeholder);
    entry->set_activates_default(true);
    entry->set_name(name);
    AddLabeled(label, *entry);
    return entry;
  }

  std::function<void()> on_accept;
  Gtk::Box& content() { return content_; }
  Gtk::Button& action() { return action_; }

 private:
  Gtk::HeaderBar header_;
  Gtk::Button cancel_;
  Gtk::Button action_;
  Gtk::Box content_;
};

Gtk::Label* MakeHint(const std::string& text) {
  auto* hint = Gtk::make_managed<Gtk::Label>(text);
  hint->set_xalign(0);
  hint->set_wrap(true);
  hint->add_css_class("dim-label");
  hint->add_css_class("caption");
  return hint;
}

std::vector<std::string> SplitNicks(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + ",") {
    if (c == ',' || c == ' ' || c == '\t' || c == ';') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

}  // namespace

std::string NormalizeChannelName(const std::string& typed) {
  std::size_t begin = typed.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  std::size_t end = typed.find_last_not_of(" \t");
  std::string name = typed.substr(begin, end - begin + 1);
  if (!chat::irc::IsChannelName(name)) name = "#" + name;
  // The server's rule (libchat), plus no ':' or control characters, which
  // IRC allows but make names other clients show badly.
  if (!chat::irc::IsValidChannelName(name, 50)) return "";
  for (char c : name) {
    if (static_cast<unsigned char>(c) < ' ' || c == ':') return "";
  }
  return name;
}

void ShowCreateChannelDialog(Gtk::Window& parent, std::function<void(std::string, bool)> done) {
  auto* dialog = new FormDialog(parent, "New Channel", "C_reate");
  auto* name = dialog->AddEntry("Channel _name", "channel_name", "#team");
  auto* error = MakeHint("");
  error->add_css_class("dialog-error");
  error->set_visible(false);
  dialog->content().append(*error);

  auto* row = Gtk::make_managed<Gtk::Box>(Gtk::Orientation::HORIZONTAL, 12);
  auto* texts = Gtk::make_managed<Gtk::Box>(Gtk::Orientation::VERTICAL, 2);
  auto* title = Gtk::make_managed<Gtk::Label>("_Private channel");
  title->set_use_underline(true);
  title->set_xalign(0);
  texts->append(*title);
  texts->append(*MakeHint("Hidden from the channel list; people join by invitation."));
  texts->set_hexpand(true);
  auto* is_private = Gtk::make_managed<Gtk::Switch>();
  is_private->set_valign(Gtk::Align::CENTER);
  is_private->set_name("channel_private");
  title->set_mnemonic_widget(*is_private);
  row->append(*texts);
  row->append(*is_private);
  row->set_margin_top(6);
  dialog->content().append(*row);

  dialog->action().set_sensitive(false);
  name->signal_changed().connect([=] {
    std::string typed = name->get_text();
    bool ok = !NormalizeChannelName(typed).empty();
    dialog->action().set_sensitive(ok);
    error->set_visible(!ok && !typed.empty());
    error->set_text("Channel names cannot contain spaces, commas or colons.");
  });
  dialog->on_accept = [=] { done(NormalizeChannelName(name->get_text()), is_private->get_active()); };
  dialog->present();
  name->grab_focus();
}

BrowseChannelsDialog::BrowseChannelsDialog(Gtk::Window& parent,
                                           std::function<void(std::string)> join)
    : join_(std::move(join)), content_(Gtk::Orientation::VERTICAL, 0) {
  set_title("Browse Channels");
  set_transient_for(parent);
  set_modal(true);
  set_default_size(520, 560);
  set_titlebar(header_);
  g_object_set(search_.gobj(), "placeholder-text", "Search channels", nullptr);
  search_.set_margin(12);
  search_.set_name("channel_search");
  search_.signal_search_changed().connect(sigc::mem_fun(*this, &BrowseChannelsDialog::Rebuild));
  content_.append(search_);
  list_.set_selection_mode(Gtk::SelectionMode::NONE);
  list_.add_css_class("channel-list");
  list_.set_valign(Gtk::Align::START);
  list_.set_margin_start(12);
  list_.set_margin_end(12);
  list_.set_margin_bottom(12);
  SetAccessibleLabel(list_, "Channels");
  scroller_.set_child(list_);
  scroller_.set_vexpand(true);
  scroller_.set_policy(Gtk::PolicyType::NEVER, Gtk::PolicyType::AUTOMATIC);
  content_.append(status_);
  content_.append(scroller_);
  status_.set_text("Loading channel list…");
  status_.add_css_class("dim-label");
  status_.set_margin(24);
  set_child(content_);
  CloseOnEscape(*this);
}

void BrowseChannelsDialog::SetEntries(const std::vector<chat::client::ChannelListEntry>& entries) {
  entries_ = entries;
  std::stable_sort(entries_.begin(), entries_.end(),
                   [](const auto& a, const auto& b) { return a.users > b.users; });
  loaded_ = true;
  Rebuild();
}

void BrowseChannelsDialog::SetJoined(const std::vector<std::string>& joined_names) {
  joined_ = joined_names;
  if (loaded_) Rebuild();
}

void BrowseChannelsDialog::Rebuild() {
  while (Gtk::Widget* child = list_.get_first_child()) list_.remove(*child);
  Glib::ustring needle = Glib::ustring(search_.get_text()).casefold();
  int shown = 0;
  for (const auto& entry : entries_) {
    if (!needle.empty() && Glib::ustring(entry.name).casefold().find(needle) == Glib::ustring::npos &&
        Glib::ustring(entry.topic).casefold().find(needle) == Glib::ustring::npos)
      continue;
    ++shown;
    auto* box = Gtk::make_managed<Gtk::Box>(Gtk::Orientation::HORIZONTAL, 12);
    box->set_margin(10);
    auto* texts = Gtk::make_managed<Gtk::Box>(Gtk::Orientation::VERTICAL, 2);
    texts->set_hexpand(true);
    texts->set_valign(Gtk::Align::CENTER);
    auto* name = Gtk::make_managed<Gtk::Label>();
    name->set_markup("<b>" + EscapeMarkup(entry.name) + "</b>  <span size=\"small\" alpha=\"60%\">" +
                     std::to_string(entry.users) + (entry.users == 1 ? " member" : " members") +
                     "</span>");
    name->set_xalign(0);
    name->set_ellipsize(Pango::EllipsizeMode::END);
    texts->append(*name);
    if (!entry.topic.empty()) {
      auto* topic = MakeHint(entry.topic);
      topic->set_wrap(false);
      topic->set_ellipsize(Pango::EllipsizeMode::END);
      topic->set_tooltip_text(entry.topic);
      texts->append(*topic);
    }
    box->append(*texts);
    Glib::ustring folded = Glib::ustring(entry.name).casefold();
    bool joined = std::find(joined_.begin(), joined_.end(), std::string(folded)) != joined_.end();
    auto* button = Gtk::make_managed<Gtk::Button>(joined ? "Joined" : "Join");
    button->set_valign(Gtk::Align::CENTER);
    button->set_sensitive(!joined);
    SetAccessibleLabel(*button, "Join " + entry.name);
    std::string channel = entry.name;
    button->signal_clicked().connect([this, button, channel] {
      button->set_label("Joined");
      button->set_sensitive(false);
      join_(channel);
    });
    box->append(*button);
    list_.append(*box);
  }
  status_.set_visible(shown == 0);
  scroller_.set_visible(shown > 0);
  if (shown == 0)
    status_.set_text(!loaded_ ? "Loading channel list…"
                     : entries_.empty() ? "There are no public channels yet."
                                        : "No channel matches your search.");
}

BrowseChannelsDialog* ShowBrowseChannelsDialog(Gtk::Window& parent,
                                               std::function<void(std::string)> join) {
  auto* dialog = new BrowseChannelsDialog(parent, std::move(join));
  dialog->signal_close_request().connect(
      [dialog] {
        Glib::signal_idle().connect_once([dialog] { delete dialog; });
        return false;
      },
      false);
  dialog->present();
  return dialog;
}

void ShowDirectMessageDialog(Gtk::Window& parent, const std::vector<std::string>& known,
                             std::function<void(std::string)> done) {
  auto* dialog = new FormDialog(parent, "New Direct Message", "_Message");
  auto* nick = dialog->AddEntry("_To", "direct_nick", "Nickname");
  if (!known.empty()) {
    std::string hint = "Known: ";
    for (std::size_t i = 0; i < known.size() && i < 8; ++i) hint += (i ? ", " : "") + known[i];
    if (known.size() > 8) hint += ", …";
    dialog->content().append(*MakeHint(hint));
  }
  dialog->action().set_sensitive(false);
  nick->signal_changed().connect([=] {
    std::string t = nick->get_text();
    dialog->action().set_sensitive(chat::irc::IsValidNick(t, kMaxNickLen));
  });
  dialog->on_accept = [=] { done(nick->get_text()); };
  dialog->present();
  nick->grab_focus();
}

void ShowCreateGroupDialog(Gtk::Window& parent, const std::vector<std::string>& known,
                           std::function<void(std::string, std::vector<std::string>)> done) {
  auto* dialog = new FormDialog(parent, "New Group", "C_reate");
  auto* name = dialog->AddEntry("Group _name", "group_name", "#project-x");
  dialog->content().append(*MakeHint("A group is a private, invite-only channel."));
  auto checks = std::make_shared<std::vector<Gtk::CheckButton*>>();
  if (!known.empty()) {
    auto* box = Gtk::make_managed<Gtk::FlowBox>();
    box->set_selection_mode(Gtk::SelectionMode::NONE);
    box->set_max_children_per_line(3);
    for (const std::string& k : known) {
      auto* check = Gtk::make_managed<Gtk::CheckButton>(k);
      checks->push_back(check);
      box->append(*check);
    }
    auto* scroll = Gtk::make_managed<Gtk::ScrolledWindow>();
    scroll->set_child(*box);
    scroll->set_policy(Gtk::PolicyType::NEVER, Gtk::PolicyType::AUTOMATIC);
    scroll->set_max_content_height(180);
    scroll->set_propagate_natural_height(true);
    dialog->AddLabeled("_Members", *scroll);
  }
  auto* others = dialog->AddEntry(known.empty() ? "_Members" : "_Others", "group_members", "alice, bob");
  dialog->action().set_sensitive(false);
  name->signal_changed().connect(
      [=] { dialog->action().set_sensitive(!NormalizeChannelName(name->get_text()).empty()); });
  dialog->on_accept = [=] {
    std::vector<std::string> members;
    for (Gtk::CheckButton* c : *checks)
      if (c->get_active()) members.push_back(c->get_label());
    for (const std::string& n : SplitNicks(others->get_text()))
      if (std::find(members.begin(), members.end(), n) == members.end()) members.push_back(n);
    done(NormalizeChannelName(name->get_text()), members);
  };
  dialog->present();
  name->grab_focus();
}

void ShowAwayDialog(Gtk::Window& parent, std::function<void(std::string)> done) {
  auto* dialog = new FormDialog(parent, "Set Away", "_Set Away");
  auto* message = dialog->AddEntry("Away _message", "away_message", "Away");
  dialog->content().append(*MakeHint("Shown to people who message you."));
  dialog->on_accept = [=] {
    std::string text = message->get_text();
    done(text.empty() ? "Away" : text);
  };
  dialog->present();
  message->grab_focus();
}

void ShowConfirmDeleteDialog(Gtk::Window& parent, const std::string& name,
                             std::function<void()> done) {
  auto* dialog = new FormDialog(parent, "Delete Channel", "_Delete", true);
  auto* text = Gtk::make_managed<Gtk::Label>();
  text->set_markup("Delete <b>" + EscapeMarkup(name) + "</b>?");
  text->set_xalign(0);
  dialog->content().append(*text);
  dialog->content().append(
      *MakeHint("Its members are removed and its history is deleted. This cannot be undone."));
  dialog->on_accept = [=] { done(); };
  dialog->present();
}

}  // namespace chatgtk
