#include "gtkclient/main_window.h"

#include <algorithm>
#include <map>
#include <set>

#include "gtkclient/adaptive_layout.h"
#include "gtkclient/composer.h"
#include "gtkclient/connection.h"
#include "gtkclient/conversation_menu.h"
#include "gtkclient/dialogs.h"
#include "gtkclient/files/files_ui.h"
#include "gtkclient/member_panel.h"
#include "gtkclient/message_menu.h"
#include "gtkclient/message_view.h"
#include "gtkclient/preferences_window.h"
#include "gtkclient/shortcuts_window.h"
#include "gtkclient/sidebar.h"
#include "libchat/notify_policy.h"

namespace chatgtk {

using chat::client::ChatLine;
using chat::client::ConnState;
using chat::client::Conversation;
using chat::client::Presence;
using chat::client::Problem;

namespace {

constexpr char kResource[] = "/dev/chatd/ChatGtk/ui/main_window.ui";
constexpr char kCssResource[] = "/dev/chatd/ChatGtk/ui/style.css";
constexpr unsigned kToastSeconds = 10;  // non-connection problems hide after this

void LoadCssOnce() {
  static bool loaded = false;
  if (loaded || !Gdk::Display::get_default()) return;
  loaded = true;
  auto css = Gtk::CssProvider::create();
  css->load_from_resource(kCssResource);
  Gtk::StyleContext::add_provider_for_display(Gdk::Display::get_default(), css,
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

// Problems about the connection itself: the state banner covers them, and
// they are over once we are online again.
bool IsConnectionProblem(Problem p) {
  return p == Problem::kUnreachable || p == Problem::kConnectionLost;
}

// A human sentence when the core gave none.
std::string FallbackText(Problem p, const std::string& subject) {
  switch (p) {
    case Problem::kWrongPassword: return "The server refused your password.";
    case Problem::kAccountExists: return "That account already exists.";
    case Problem::kRegistrationRefused: return "The server refused the registration.";
    case Problem::kNickInUse: return "Your nickname is already in use.";
    case Problem::kUnreachable: return "The server cannot be reached.";
    case Problem::kConnectionLost: return "The connection to the server was lost.";
    case Problem::kKicked: return "You were removed from " + subject + ".";
    case Problem::kBanned: return "You are banned from " + subject + ".";
    case Problem::kInviteOnly: return subject + " is invite-only.";
    case Problem::kChannelFull: return subject + " is full.";
    case Problem::kBadChannelKey: return subject + " needs a key.";
    case Problem::kNoSuchTarget: return "There is no " + subject + ".";
    case Problem::kCannotSend: return "You cannot send messages to " + subject + ".";
    case Problem::kNotPermitted: return "You are not allowed to do that.";
    case Problem::kServerError: return "The server reported an error.";
  }
  return "Something went wrong.";
}

}  // namespace

class MainWindow::Impl : public sigc::trackable {
 public:
  Impl(MainWindow& window, const Glib::RefPtr<Gtk::Builder>& builder, Session& session, Preferences& prefs);
  ~Impl();

 private:
  chat::client::Core& core() { return session_.core(); }
  void SetupActions();
  void ScheduleRefresh();
  void Refresh();
  void Select(const std::string& key);
  // Selects `name` now if the core knows it, else once it appears (JOIN echo).
  void SelectWhenKnown(const std::string& name);
  void UpdateHeader();
  void UpdateActions();
  void UpdateStatus();
  void UpdateBanner();
  void UpdateTyping();
  void ShowProblem(Problem problem, const std::string& subject, const std::string& human);
  void Notify(const std::string& key, const ChatLine& line);
  std::vector<std::string> KnownNicks();
  void OnStatus(const Glib::ustring& value);

  MainWindow& window_;
  Session& session_;
  Preferences& prefs_;
  const std::string server_;  // Connection::HostPort: mutes are per server
  Gtk::Label* title_ = nullptr;
  Gtk::Label* subtitle_ = nullptr;
  Gtk::Label* status_dot_ = nullptr;
  Gtk::Label* status_label_ = nullptr;
  Gtk::Revealer* banner_revealer_ = nullptr;
  Gtk::Box* banner_ = nullptr;
  Gtk::Label* banner_label_ = nullptr;
  Gtk::Image* banner_icon_ = nullptr;
  Gtk::Button* banner_button_ = nullptr;
  Gtk::Button* reconnect_button_ = nullptr;
  Gtk::Stack* center_stack_ = nullptr;
  Sidebar sidebar_;
  MessageView messages_;
  Composer composer_;
  MemberPanel members_;
  std::unique_ptr<files::FilesUi> files_;  // file sharing; after composer_ (it uses it)
  // Folds the sidebar and member panel in narrow windows (adaptive_layout.h).
  std::unique_ptr<AdaptiveLayout> layout_;
  std::unique_ptr<MessageMenu> message_menu_;            // right click on a message
  std::unique_ptr<ConversationMenu> conversation_menu_;  // right click in the sidebar

  Glib::RefPtr<Gio::SimpleAction> leave_action_, delete_action_, status_action_, members_action_;
  BrowseChannelsDialog* browse_ = nullptr;
  std::vector<sigc::connection> session_connections_;
  sigc::connection refresh_idle_, banner_timer_, toast_timer_;

  std::string active_;        // key of the shown conversation, "" for none
  std::map<std::string, std::string> drafts_;  // key -> unsent composer text
  bool switched_ = false;     // active_ changed since the last Refresh
  // What changed since the last Refresh; each costs a redraw of its part.
  bool sidebar_dirty_ = true, lines_dirty_ = true, members_dirty_ = true;
  bool chose_initial_ = false;
  std::string select_when_known_;  // a name the user just created/joined/opened
  std::string problem_text_;  // shown in the banner until dismissed ("" none)
  Problem problem_ = Problem::kServerError;
};

MainWindow::Impl::Impl(MainWindow& window, const Glib::RefPtr<Gtk::Builder>& builder,
                       Session& session, Preferences& prefs)
    : window_(window), session_(session), prefs_(prefs), server_(Connection::HostPort(session.address())) {
  LoadCssOnce();
  title_ = builder->get_widget<Gtk::Label>("title_label");
  subtitle_ = builder->get_widget<Gtk::Label>("subtitle_label");
  status_dot_ = builder->get_widget<Gtk::Label>("status_dot");
  status_label_ = builder->get_widget<Gtk::Label>("status_label");
  banner_revealer_ = builder->get_widget<Gtk::Revealer>("banner_revealer");
  banner_ = builder->get_widget<Gtk::Box>("banner");
  banner_label_ = builder->get_widget<Gtk::Label>("banner_label");
  banner_icon_ = builder->get_widget<Gtk::Image>("banner_icon");
  banner_button_ = builder->get_widget<Gtk::Button>("banner_button");
  center_stack_ = builder->get_widget<Gtk::Stack>("center_stack");
  for (const char* name : {"header_bar", "banner_label", "reconnect_button"})  // AdaptiveLayout's test output
    builder->get_widget<Gtk::Widget>(name)->set_name(name);
  reconnect_button_ = builder->get_widget<Gtk::Button>("reconnect_button");
  builder->get_widget<Gtk::Box>("sidebar_slot")->append(sidebar_);
  sidebar_.set_vexpand(true);
  builder->get_widget<Gtk::Box>("messages_slot")->append(messages_);
  messages_.set_vexpand(true);
  builder->get_widget<Gtk::Box>("composer_slot")->append(composer_);
  // File sharing (src/gtkclient/files/): attach button, drops on the
  // conversation, pasted images, transfer rows above the composer.
  files_ = std::make_unique<files::FilesUi>(window_, session_, composer_, *builder->get_widget<Gtk::Box>("messages_slot"),
                                            [this] { return active_; });
  builder->get_widget<Gtk::Box>("composer_slot")->prepend(files_->widget());
  builder->get_widget<Gtk::Box>("members_slot")->append(members_);
  members_.set_vexpand(true);
  layout_ = std::make_unique<AdaptiveLayout>(window_, builder, sidebar_);
  message_menu_ = std::make_unique<MessageMenu>(messages_);
  conversation_menu_ = std::make_unique<ConversationMenu>(sidebar_, prefs_, server_);
  sidebar_.SetMutedTest([this](const std::string& key) { return prefs_.IsMuted(server_, key); });

  SetupActions();
  InstallShortcutsWindow(window_);
  layout_->signal_members_shown.connect([this](bool shown) {
    members_action_->change_state(shown);
    if (shown && !active_.empty()) core().RequestMembers(active_);
  });
  core().SetNotifyAll(prefs_.notify_level() == chat::client::NotifyLevel::kAll);
  session_connections_.push_back(prefs_.signal_changed.connect([this] {
    core().SetNotifyAll(prefs_.notify_level() == chat::client::NotifyLevel::kAll);
    sidebar_dirty_ = true;
    ScheduleRefresh();
  }));

  sidebar_.signal_selected.connect(sigc::mem_fun(*this, &Impl::Select));
  messages_.signal_load_older.connect([this](std::string key) { core().LoadOlder(key); });
  composer_.signal_send.connect([this](std::string text) {
    if (active_.empty()) return;
    drafts_.erase(active_);
    // Slash commands run in the core; they are never sent as text.
    chat::client::InputResult result = core().Input(active_, text, NowMs());
    UpdateStatus();
    UpdateBanner();
    if (result.quit) {
      if (auto app = window_.get_application()) app->quit();
      return;
    }
    if (!result.open.empty()) SelectWhenKnown(result.open);
  });
  composer_.signal_typing.connect([this](bool typing) {
    if (!active_.empty() && core().state() == ConnState::kOnline)
      core().SetTyping(active_, typing, NowMs());
  });
  members_.signal_member_activated.connect([this](std::string nick) {
    if (nick == core().nick()) return;
    core().OpenDirect(nick);
    SelectWhenKnown(nick);
  });
  banner_button_->signal_clicked().connect([this] {
    problem_text_.clear();
    UpdateBanner();
  });

  // Session signals only mark what changed; one idle pass redraws. This
  // coalesces bursts (history pages) and keeps us from calling back into the
  // core from inside its own callbacks.
  session_connections_.push_back(session_.signal_state.connect([this](ConnState) {
    // Back online: "cannot reach the server" is over (before the redraw).
    if (core().state() == ConnState::kOnline && IsConnectionProblem(problem_)) problem_text_.clear();
    UpdateStatus();
    UpdateBanner();
    UpdateActions();
  }));
  session_connections_.push_back(session_.signal_problem.connect(
      [this](Problem p, std::string subject, std::string human) { ShowProblem(p, subject, human); }));
  session_connections_.push_back(session_.signal_conversations.connect([this] {
    sidebar_dirty_ = true;
    ScheduleRefresh();
  }));
  session_connections_.push_back(session_.signal_lines.connect([this](std::string key) {
    if (key != active_) return;  // unread counts come with signal_conversations
    lines_dirty_ = true;
    ScheduleRefresh();
  }));
  session_connections_.push_back(session_.signal_members.connect([this](std::string key) {
    if (key != active_) return;
    members_dirty_ = true;
    ScheduleRefresh();
  }));
  session_connections_.push_back(session_.signal_typing.connect([this](std::string key) {
    if (key == active_) UpdateTyping();
  }));
  session_connections_.push_back(session_.signal_channel_list.connect(
      [this](std::vector<chat::client::ChannelListEntry> entries) {
        if (browse_) browse_->SetEntries(entries);
      }));
  session_connections_.push_back(session_.signal_notify.connect(
      [this](std::string key, ChatLine line) { Notify(key, line); }));

  // Focus the composer once the window is on screen.
  window_.signal_show().connect([this] {
    Glib::signal_idle().connect_once([this] { composer_.Focus(); });
  });

  UpdateStatus();
  UpdateBanner();
  Refresh();
}

MainWindow::Impl::~Impl() {
  for (auto& c : session_connections_) c.disconnect();
  refresh_idle_.disconnect();
  banner_timer_.disconnect();
  toast_timer_.disconnect();
  if (browse_) browse_->close();
}

void MainWindow::Impl::SetupActions() {
  window_.add_action("create-channel", [this] {
    ShowCreateChannelDialog(window_, [this](std::string name, bool is_private) {
      core().CreateChannel(name, is_private);
      SelectWhenKnown(name);
    });
  });
  window_.add_action("browse-channels", [this] {
    if (browse_) {
      browse_->present();
      return;
    }
    browse_ = ShowBrowseChannelsDialog(window_, [this](std::string name) {
      core().Join(name);
      SelectWhenKnown(name);
    });
    browse_->signal_close_request().connect([this] { browse_ = nullptr; return false; }, false);
    std::vector<std::string> joined;
    for (const auto& conv : core().conversations())
      if (conv->kind == Conversation::Kind::kChannel && conv->joined) joined.push_back(conv->key);
    browse_->SetJoined(joined);
    core().ListChannels();
  });
  window_.add_action("new-direct", [this] {
    ShowDirectMessageDialog(window_, KnownNicks(), [this](std::string nick) {
      core().OpenDirect(nick);
      SelectWhenKnown(nick);
    });
  });
  window_.add_action("create-group", [this] {
    ShowCreateGroupDialog(window_, KnownNicks(),
                          [this](std::string name, std::vector<std::string> members) {
                            core().CreateGroup(name, members);
                            SelectWhenKnown(name);
                          });
  });
  leave_action_ = window_.add_action("leave", [this] {
    if (!active_.empty()) core().Leave(active_);
  });
  delete_action_ = window_.add_action("delete-channel", [this] {
    const Conversation* conv = core().Find(active_);
    if (!conv) return;
    std::string key = active_;
    ShowConfirmDeleteDialog(window_, conv->name, [this, key] { core().DeleteChannel(key); });
  });
  window_.add_action("log-out", [this] { window_.signal_log_out.emit(); });
  status_action_ = window_.add_action_radio_string("status", sigc::mem_fun(*this, &Impl::OnStatus), "online");
  members_action_ = window_.add_action_bool("show-members", [this] {
    bool show = false;
    members_action_->get_state(show);
    show = !show;
    layout_->SetMembersShown(show);  // signal_members_shown updates the state
  }, false);
  window_.add_action("preferences", [this] {
    std::vector<std::pair<std::string, std::string>> conversations;
    for (const auto& c : core().conversations()) conversations.emplace_back(c->key, c->name);
    ShowPreferencesWindow(window_, prefs_, server_, conversations);
  });
  // "Reconnect now" in the banner: skips the backoff wait (or comes back
  // from Offline), as choosing Online in the status menu does.
  window_.add_action("reconnect-now", [this] {
    core().ReconnectNow(NowMs());
    UpdateStatus();
    UpdateBanner();
  });

  // Previous/next conversation in sidebar order (channels, then direct).
  auto step = [this](int delta) {
    std::vector<std::string> keys;
    for (auto kind : {Conversation::Kind::kChannel, Conversation::Kind::kDirect})
      for (const auto& c : core().conversations())
        if (c->kind == kind) keys.push_back(c->key);
    if (keys.empty()) return;
    auto it = std::find(keys.begin(), keys.end(), active_);
    long i = it == keys.end() ? 0 : (it - keys.begin()) + delta;
    long n = static_cast<long>(keys.size());
    Select(keys[static_cast<std::size_t>(((i % n) + n) % n)]);
  };
  window_.add_action("next-conversation", [step] { step(1); });
  window_.add_action("previous-conversation", [step] { step(-1); });

  // Keyboard shortcuts for the common actions.
  auto shortcuts = Gtk::ShortcutController::create();
  shortcuts->set_scope(Gtk::ShortcutScope::MANAGED);
  auto add = [&](const char* accel, const char* action) {
    shortcuts->add_shortcut(Gtk::Shortcut::create(Gtk::ShortcutTrigger::parse_string(accel),
                                                  Gtk::NamedAction::create(action)));
  };
  add("<Control>n", "win.create-channel");
  add("<Control>j", "win.browse-channels");
  add("<Control>d", "win.new-direct");
  add("<Control>m", "win.show-members");
  add("<Control>comma", "win.preferences");
  window_.add_controller(shortcuts);
  // Conversation switching must win over the composer's own Ctrl+PgUp/PgDn
  // (GtkTextView moves the cursor with them): capture phase.
  shortcuts = Gtk::ShortcutController::create();
  shortcuts->set_scope(Gtk::ShortcutScope::MANAGED);
  shortcuts->set_propagation_phase(Gtk::PropagationPhase::CAPTURE);
  add("<Alt>Down", "win.next-conversation");
  add("<Control>Page_Down", "win.next-conversation");
  add("<Alt>Up", "win.previous-conversation");
  add("<Control>Page_Up", "win.previous-conversation");
  window_.add_controller(shortcuts);
  UpdateActions();
}

void MainWindow::Impl::OnStatus(const Glib::ustring& value) {
  if (value == "away") {
    ShowAwayDialog(window_, [this](std::string message) {
      core().SetPresence(Presence::kAway, message);
      UpdateStatus();
    });
    return;
  }
  if (value == "offline") {
    core().GoOffline();
  } else if (value == "invisible") {
    core().SetPresence(Presence::kInvisible, "");
  } else {
    core().SetPresence(Presence::kOnline, "");
  }
  UpdateStatus();
  UpdateBanner();
}

void MainWindow::Impl::ScheduleRefresh() {
  if (refresh_idle_.connected()) return;
  refresh_idle_ = Glib::signal_idle().connect([this] {
    Refresh();
    return false;
  });
}

void MainWindow::Impl::SelectWhenKnown(const std::string& name) {
  if (const Conversation* conv = core().Find(name)) {
    select_when_known_.clear();
    Select(conv->key);
  } else {
    select_when_known_ = name;
  }
}

void MainWindow::Impl::Refresh() {
  if (!select_when_known_.empty()) {
    if (const Conversation* conv = core().Find(select_when_known_)) {
      select_when_known_.clear();
      if (conv->key != active_) {
        Select(conv->key);  // refreshes
        return;
      }
    }
  }
  // Pick a first conversation so the composer has a target right away.
  if (active_.empty() && !chose_initial_ && !core().conversations().empty()) {
    chose_initial_ = true;
    active_ = core().conversations().front()->key;
    switched_ = true;
    core().SetActive(active_);
  }
  const Conversation* conv = active_.empty() ? nullptr : core().Find(active_);
  if (!active_.empty() && !conv) {  // left or deleted
    active_.clear();
    switched_ = true;
  }
  if (sidebar_dirty_ || switched_) {
    sidebar_.Update(core());
    sidebar_.Select(active_);
  }
  if (lines_dirty_ || switched_) messages_.Show(conv, switched_);
  if (switched_) members_.ClearSearch();
  if (members_dirty_ || switched_) {
    members_.SetSelf(core().nick());
    if (conv && conv->kind == Conversation::Kind::kDirect && conv->members.empty()) {
      // Direct conversations have no roster: show the two people in it.
      std::vector<chat::client::Member> pair(2);
      pair[0].nick = conv->name;
      pair[1].nick = core().nick();
      members_.SetMembers(&pair);
    } else {
      members_.SetMembers(conv ? &conv->members : nullptr);
    }
  }
  sidebar_dirty_ = lines_dirty_ = members_dirty_ = false;
  center_stack_->set_visible_child(conv ? "chat" : "empty");
  if (switched_ && conv) {
    composer_.SetTarget(conv->name);
    composer_.Focus();
  }
  switched_ = false;
  UpdateTyping();
  UpdateHeader();
  UpdateStatus();  // our nick may have changed
  UpdateActions();
  if (browse_) {
    std::vector<std::string> joined;
    for (const auto& c : core().conversations())
      if (c->kind == Conversation::Kind::kChannel && c->joined) joined.push_back(c->key);
    browse_->SetJoined(joined);
  }
}

void MainWindow::Impl::Select(const std::string& key) {
  if (key == active_) {
    composer_.Focus();
    return;
  }
  if (!active_.empty() && core().state() == ConnState::kOnline) core().SetTyping(active_, false, NowMs());
  // Each conversation keeps what was being written in it.
  if (!active_.empty()) {
    std::string draft = composer_.Text();
    if (draft.empty()) drafts_.erase(active_); else drafts_[active_] = draft;
  }
  auto draft = drafts_.find(key);
  composer_.SetText(draft == drafts_.end() ? "" : draft->second);
  active_ = key;
  switched_ = true;
  chose_initial_ = true;
  core().SetActive(key);
  if (layout_->MembersShown() && !key.empty()) core().RequestMembers(key);
  Refresh();
}

void MainWindow::Impl::UpdateHeader() {
  const Conversation* conv = active_.empty() ? nullptr : core().Find(active_);
  if (!conv) {
    title_->set_text("Chat");
    subtitle_->set_visible(false);
    window_.set_title("Chat");
    return;
  }
  title_->set_text(conv->name);
  window_.set_title(conv->name + " – Chat");
  std::string sub;
  if (conv->kind == Conversation::Kind::kChannel) {
    int online = 0;
    for (const auto& m : conv->members)
      if (m.state != chat::client::Member::State::kOffline) ++online;
    std::size_t n = conv->members.size();
    sub = std::to_string(n) + (n == 1 ? " member" : " members");
    if (online != static_cast<int>(n)) sub += ", " + std::to_string(online) + " online";
    if (!conv->joined) sub = "Not joined";
    if (!conv->topic.empty()) sub += " · " + conv->topic;
  } else {
    // What the channels we share say about them (away-notify, RPL_AWAY).
    const chat::client::Member* who = core().FindPerson(conv->name);
    if (!who) {
      sub = "Direct message";
    } else if (who->state == chat::client::Member::State::kAway) {
      sub = who->away_message.empty() ? "Away" : "Away: " + who->away_message;
    } else if (who->state == chat::client::Member::State::kOffline) {
      sub = "Offline";
    } else {
      sub = "Online";
    }
    if (who) sub += who->account.empty() ? " · guest" : " · account " + who->account;
  }
  subtitle_->set_text(sub);
  subtitle_->set_tooltip_text(conv->topic);
  subtitle_->set_visible(true);
}

void MainWindow::Impl::UpdateActions() {
  const Conversation* conv = active_.empty() ? nullptr : core().Find(active_);
  leave_action_->set_enabled(conv != nullptr);
  delete_action_->set_enabled(conv && conv->kind == Conversation::Kind::kChannel &&
                              core().CanDelete(active_));
}

void MainWindow::Impl::UpdateStatus() {
  const char* text = "Offline";
  const char* css = "offline";
  std::string state = "offline";
  if (core().state() == ConnState::kOnline) {
    switch (core().presence()) {
      case Presence::kOnline: text = "Online"; css = "online"; state = "online"; break;
      case Presence::kAway: text = "Away"; css = "away"; state = "away"; break;
      case Presence::kInvisible: text = "Invisible"; css = "invisible"; state = "invisible"; break;
      case Presence::kOffline: break;
    }
  } else if (core().state() != ConnState::kOffline) {
    text = "Connecting…";
    css = "invisible";
    state = core().presence() == Presence::kAway ? "away"
            : core().presence() == Presence::kInvisible ? "invisible" : "online";
  }
  for (const char* c : {"online", "away", "invisible", "offline"}) status_dot_->remove_css_class(c);
  status_dot_->add_css_class(css);
  // Our own nick beside the status, so it is clear who we are (and that a
  // guest may have become "nick_").
  const std::string& me = core().nick();
  status_label_->set_text(me.empty() ? std::string(text) : me + " · " + text);
  status_action_->set_state(Glib::Variant<Glib::ustring>::create(state));
}

void MainWindow::Impl::UpdateBanner() {
  banner_timer_.disconnect();
  ConnState state = core().state();
  std::string text;
  const char* icon = "network-offline-symbolic";
  switch (state) {
    case ConnState::kOnline: break;
    case ConnState::kConnecting: text = "Connecting…"; icon = "network-wired-acquiring-symbolic"; break;
    case ConnState::kRegistering: text = "Logging in…"; icon = "network-wired-acquiring-symbolic"; break;
    case ConnState::kOffline:
      text = core().presence() == Presence::kOffline
                 ? "Offline. Choose Online in the status menu to reconnect."
                 : "Offline.";
      break;
    case ConnState::kReconnectWait: {
      int64_t secs = (core().reconnect_at_ms() - NowMs() + 999) / 1000;
      text = secs > 0 ? "Reconnecting in " + std::to_string(secs) + " s…" : "Reconnecting…";
      // Count down once a second while waiting.
      banner_timer_ = Glib::signal_timeout().connect_seconds(
          [this] {
            UpdateBanner();
            return false;
          },
          1);
      break;
    }
  }
  if (state != ConnState::kOnline && !core().outbox().empty())
    text += " Unsent messages go out once you are back online.";
  banner_->remove_css_class("problem");
  bool has_problem = !problem_text_.empty();
  if (has_problem) {
    banner_->add_css_class("problem");
    std::string problem = problem_text_;
    if (problem.find_last_of(".!?") != problem.size() - 1) problem += ".";
    text = text.empty() ? problem : problem + " " + text;
    icon = "dialog-warning-symbolic";
  }
  banner_button_->set_visible(has_problem);
  reconnect_button_->set_visible(state == ConnState::kReconnectWait || state == ConnState::kOffline);
  banner_icon_->set_from_icon_name(icon);
  banner_label_->set_text(text);
  banner_label_->set_tooltip_text(text);
  // For the UI tests (G_MESSAGES_DEBUG=chat-gtk), like notifications.
  if (!text.empty()) g_log("chat-gtk", G_LOG_LEVEL_DEBUG, "banner: %s", text.c_str());
  banner_revealer_->set_reveal_child(!text.empty());
}

void MainWindow::Impl::UpdateTyping() {
  std::vector<std::string> nicks;
  if (const Conversation* conv = active_.empty() ? nullptr : core().Find(active_)) {
    int64_t now = NowMs();
    for (const auto& [nick, expiry] : conv->typing)
      if (expiry > now && nick != core().nick()) nicks.push_back(nick);
  }
  composer_.SetTyping(nicks);
}

void MainWindow::Impl::ShowProblem(Problem problem, const std::string& subject,
                                   const std::string& human) {
  problem_ = problem;
  problem_text_ = human.empty() ? FallbackText(problem, subject) : human;
  // For the UI tests (G_MESSAGES_DEBUG=chat-gtk), like notifications.
  g_log("chat-gtk", G_LOG_LEVEL_DEBUG, "problem: %s", problem_text_.c_str());
  toast_timer_.disconnect();
  if (!IsConnectionProblem(problem)) {
    toast_timer_ = Glib::signal_timeout().connect_seconds(
        [this] {
          problem_text_.clear();
          UpdateBanner();
          return false;
        },
        kToastSeconds);
  }
  UpdateBanner();
}

void MainWindow::Impl::Notify(const std::string& key, const ChatLine& line) {
  if (window_.is_active() && key == active_) return;
  auto app = window_.get_application();
  const Conversation* conv = core().Find(key);
  if (!app || !conv) return;
  if (!chat::client::ShouldNotify(prefs_.notify_level(), prefs_.IsMuted(server_, key), line.mention,
                                  conv->kind == Conversation::Kind::kDirect)) {
    g_log("chat-gtk", G_LOG_LEVEL_DEBUG, "notification suppressed: %s", key.c_str());
    return;
  }
  std::string title = conv->kind == Conversation::Kind::kDirect
                          ? line.from
                          : line.from + " in " + conv->name;
  auto notification = Gio::Notification::create(title);
  std::string body = line.text.size() > 200 ? line.text.substr(0, 200) + "…" : line.text;
  notification->set_body(body);
  // Without a notification daemon GIO drops it quietly. The debug line
  // (G_MESSAGES_DEBUG=chat-gtk) lets the UI tests see the call.
  g_log("chat-gtk", G_LOG_LEVEL_DEBUG, "notification: %s: %s", title.c_str(), body.c_str());
  app->send_notification("chat-" + key, notification);
}

std::vector<std::string> MainWindow::Impl::KnownNicks() {
  std::set<std::string> seen;
  std::vector<std::string> nicks;
  for (const auto& conv : core().conversations()) {
    if (conv->kind == Conversation::Kind::kDirect && seen.insert(conv->name).second)
      nicks.push_back(conv->name);
    for (const auto& m : conv->members)
      if (!m.nick.empty() && m.nick != core().nick() && seen.insert(m.nick).second)
        nicks.push_back(m.nick);
  }
  std::sort(nicks.begin(), nicks.end());
  return nicks;
}

MainWindow* MainWindow::Create(Session& session, Preferences& prefs) {
  auto builder = Gtk::Builder::create_from_resource(kResource);
  return Gtk::Builder::get_widget_derived<MainWindow>(builder, "main_window", session, prefs);
}

MainWindow::MainWindow(BaseObjectType* cobject, const Glib::RefPtr<Gtk::Builder>& builder,
                       Session& session, Preferences& prefs)
    : Gtk::ApplicationWindow(cobject), impl_(std::make_unique<Impl>(*this, builder, session, prefs)) {}

MainWindow::~MainWindow() = default;

}  // namespace chatgtk
