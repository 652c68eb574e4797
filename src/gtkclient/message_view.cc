#include "gtkclient/message_view.h"

#include <algorithm>
#include <utility>

#include "gtkclient/a11y.h"
#include "gtkclient/context_menu.h"
#include "gtkclient/files/file_card.h"
#include "gtkclient/linkify.h"
#include "gtkclient/nick_color.h"
#include "libchat/quiet_events.h"

namespace chatgtk {

using chat::client::ChatLine;
using chat::client::Conversation;

namespace {

constexpr int64_t kGroupGapMs = 5 * 60 * 1000;  // same sender within 5 min: one group

// A MessageRow as a GObject for the list model.
class RowItem : public Glib::Object {
 public:
  static Glib::RefPtr<RowItem> Create(MessageRow row) {
    return Glib::make_refptr_for_instance<RowItem>(new RowItem(std::move(row)));
  }
  MessageRow row;

 private:
  explicit RowItem(MessageRow r) : row(std::move(r)) {}
};

// The widget for one row; recycled by the ListView, so Bind sets everything.
class RowWidget : public Gtk::Box {
 public:
  RowWidget() : Gtk::Box(Gtk::Orientation::VERTICAL) {
    add_css_class("message-row");
    day_.add_css_class("day-separator");
    day_.set_halign(Gtk::Align::CENTER);
    append(day_);

    header_.set_spacing(8);
    nick_.set_xalign(0);
    nick_.add_css_class("nick");
    time_.add_css_class("dim-label");
    time_.add_css_class("timestamp");
    time_.set_valign(Gtk::Align::BASELINE);
    nick_.set_valign(Gtk::Align::BASELINE);
    header_.append(nick_);
    header_.append(time_);
    append(header_);

    body_row_.set_spacing(6);
    body_.set_xalign(0);
    body_.set_wrap(true);
    body_.set_wrap_mode(Pango::WrapMode::WORD_CHAR);
    body_.set_selectable(true);
    body_.set_hexpand(true);
    body_.add_css_class("body");
    body_row_.append(body_);
    pending_icon_.set_from_icon_name("document-open-recent-symbolic");
    pending_icon_.set_valign(Gtk::Align::START);
    pending_icon_.add_css_class("dim-label");
    pending_label_.set_text("sending…");
    pending_label_.add_css_class("dim-label");
    pending_label_.add_css_class("caption");
    pending_label_.set_valign(Gtk::Align::START);
    body_row_.append(pending_icon_);
    body_row_.append(pending_label_);
    append(body_row_);
    append(card_);  // file sharing: the file card (hidden for other messages)
  }

  void Bind(const MessageRow& row) {
    for (const char* css : {"event", "pending", "mention", "notice", "grouped"})
      remove_css_class(css);
    day_.set_visible(!row.day.empty());
    day_.set_text(row.day);
    header_.set_visible(row.type == MessageRow::Type::kMessage && row.header);
    pending_icon_.set_visible(row.pending || !row.status.empty());
    pending_label_.set_visible(row.pending || !row.status.empty());
    pending_label_.set_text(row.status.empty() ? "sending…" : row.status);
    if (row.type == MessageRow::Type::kEvent) add_css_class("event");
    if (row.type == MessageRow::Type::kMessage && !row.header) add_css_class("grouped");
    if (row.pending) add_css_class("pending");
    if (row.mention) add_css_class("mention");
    if (row.notice) add_css_class("notice");
    nick_.set_markup("<span foreground=\"" + row.color + "\" weight=\"bold\">" +
                     EscapeMarkup(row.nick) + "</span>");
    time_.set_text(row.time);
    time_.set_tooltip_text(row.tooltip);
    body_.set_markup(row.markup);
    card_.Bind(row.file_tag, row.link);
    body_.set_tooltip_text(row.header ? "" : row.tooltip);
    // A collapsed join/quit keeps only its day separator (quiet_events.h).
    if (row.hidden) header_.set_visible(false);
    body_row_.set_visible(!row.hidden);
    set_visible(!row.hidden || !row.day.empty());
    msgid_ = row.msgid;
  }

  MessageRef Ref() const { return MessageRef{body_.get_text(), msgid_}; }

 private:
  Gtk::Label day_;
  Gtk::Box header_;
  Gtk::Label nick_;
  Gtk::Label time_;
  Gtk::Box body_row_;
  Gtk::Label body_;
  Gtk::Image pending_icon_;
  Gtk::Label pending_label_;
  files::FileCard card_;
  std::string msgid_;
};

std::string EventText(const ChatLine& line) {
  const std::string who = "<b>" + EscapeMarkup(line.from) + "</b>";
  const std::string detail = line.text.empty() ? "" : " (" + Linkify(line.text) + ")";
  switch (line.kind) {
    case ChatLine::Kind::kJoin: return who + " joined";
    case ChatLine::Kind::kPart: return who + " left" + detail;
    case ChatLine::Kind::kQuit: return who + " went offline" + detail;
    case ChatLine::Kind::kKick: return who + " was removed" + detail;
    case ChatLine::Kind::kTopic:
      return line.text.empty() ? who + " cleared the topic"
                               : who + " changed the topic to “" + Linkify(line.text) + "”";
    case ChatLine::Kind::kNick: return who + " is now known as <b>" + EscapeMarkup(line.text) + "</b>";
    case ChatLine::Kind::kMode: return who + " set mode " + EscapeMarkup(line.text);
    default: return Linkify(line.text);
  }
}

bool IsMessage(const ChatLine& line) {
  return line.kind == ChatLine::Kind::kMessage || line.kind == ChatLine::Kind::kAction ||
         line.kind == ChatLine::Kind::kNotice;
}

std::string DayLabel(const Glib::DateTime& when, const Glib::DateTime& now) {
  const Glib::DateTime yesterday = now.add_days(-1);
  auto same_day = [](const Glib::DateTime& a, const Glib::DateTime& b) {
    return a.get_year() == b.get_year() && a.get_day_of_year() == b.get_day_of_year();
  };
  if (same_day(when, now)) return "Today";
  if (same_day(when, yesterday)) return "Yesterday";
  if (when.get_year() == now.get_year()) return when.format("%A, %B %-e");
  return when.format("%A, %B %-e, %Y");
}

}  // namespace

MessageRow BuildMessageRow(const ChatLine* prev, const ChatLine& line, const Glib::DateTime& now) {
  const Glib::DateTime when = Glib::DateTime::create_now_local(line.time_ms / 1000);
  MessageRow row;
  bool same_day = false;
  if (prev) {
    const Glib::DateTime before = Glib::DateTime::create_now_local(prev->time_ms / 1000);
    same_day = before.get_year() == when.get_year() &&
               before.get_day_of_year() == when.get_day_of_year();
  }
  if (!same_day) row.day = DayLabel(when, now);
  row.nick = line.from;
  row.color = NickColor(line.from);
  row.time = when.format("%H:%M");
  row.tooltip = when.format("%A, %B %-e, %Y %H:%M:%S");
  row.pending = line.pending;
  if (!line.waiting_for.empty()) row.status = "will be delivered when " + line.waiting_for + " is back";
  row.mention = line.mention;
  row.msgid = line.msgid;
  if (IsMessage(line)) {
    row.type = MessageRow::Type::kMessage;
    row.notice = line.kind == ChatLine::Kind::kNotice;
    // One group: same sender, same day, under kGroupGapMs apart, no event between.
    row.header = !(same_day && IsMessage(*prev) && prev->from == line.from &&
                   line.time_ms - prev->time_ms < kGroupGapMs && line.time_ms >= prev->time_ms);
    if (line.kind == ChatLine::Kind::kAction) {
      row.markup = "<i><span foreground=\"" + row.color + "\">" + EscapeMarkup(line.from) +
                   "</span> " + Linkify(line.text) + "</i>";
    } else {
      row.markup = Linkify(line.text);
      if (!line.file_tag.empty()) {  // file sharing: the card shows name, size, thumbnail
        row.file_tag = line.file_tag;
        row.link = line.text;
      }
    }
  } else {
    row.type = MessageRow::Type::kEvent;
    row.markup = EventText(line) + "  <span size=\"small\">" + row.time + "</span>";
  }
  return row;
}

namespace {

// BuildMessageRow for lines[i], with joins and quits collapsed into one
// quiet line per run (libchat/quiet_events.h).
MessageRow BuildRowAt(const std::deque<ChatLine>& lines, std::size_t i, const Glib::DateTime& now) {
  MessageRow row = BuildMessageRow(i > 0 ? &lines[i - 1] : nullptr, lines[i], now);
  const chat::client::QuietRun run = chat::client::DescribeQuietRun(lines, i);
  row.hidden = run.hidden;
  if (!run.hidden && !run.summary.empty()) {
    row.markup = EscapeMarkup(run.summary) + "  <span size=\"small\">" + row.time + "</span>";
    // For the UI tests (G_MESSAGES_DEBUG=chat-gtk).
    g_log("chat-gtk", G_LOG_LEVEL_DEBUG, "quiet line: %s", run.summary.c_str());
  }
  return row;
}

}  // namespace

std::vector<MessageRow> BuildMessageRows(const Conversation& conv, int64_t now_s) {
  std::vector<MessageRow> rows;
  rows.reserve(conv.lines.size());
  const Glib::DateTime now = Glib::DateTime::create_now_local(now_s);
  for (std::size_t i = 0; i < conv.lines.size(); ++i) rows.push_back(BuildRowAt(conv.lines, i, now));
  return rows;
}

MessageView::MessageView() : Gtk::Box(Gtk::Orientation::VERTICAL) {
  store_ = Gio::ListStore<Glib::Object>::create();
  auto factory = Gtk::SignalListItemFactory::create();
  factory->signal_setup().connect([](const Glib::RefPtr<Gtk::ListItem>& item) {
    item->set_child(*Gtk::make_managed<RowWidget>());
    item->set_activatable(false);
  });
  factory->signal_bind().connect([](const Glib::RefPtr<Gtk::ListItem>& item) {
    auto row = std::dynamic_pointer_cast<RowItem>(item->get_item());
    auto* widget = dynamic_cast<RowWidget*>(item->get_child());
    if (row && widget) widget->Bind(row->row);
  });
  list_ = Gtk::make_managed<Gtk::ListView>(Gtk::NoSelection::create(store_), factory);
  list_->add_css_class("message-list");
  list_->set_name("message_list");
  SetAccessibleLabel(*list_, "Messages");
  scroller_.set_child(*list_);
  scroller_.set_vexpand(true);
  scroller_.set_policy(Gtk::PolicyType::NEVER, Gtk::PolicyType::AUTOMATIC);
  scroller_.get_vadjustment()->signal_value_changed().connect(
      sigc::mem_fun(*this, &MessageView::OnScroll));
  scroller_.get_vadjustment()->signal_changed().connect([this] {
    if (at_bottom_) ScrollToBottom();
  });
  append(scroller_);
  // The message context menu (message_menu.h shows it).
  AttachContextRequest(*list_, [this](double x, double y, bool keyboard) {
    RowWidget* row = SelfOrAncestor<RowWidget>(keyboard ? FocusIn(*list_) : list_->pick(x, y));
    if (!row || !row->get_visible()) return false;
    Gdk::Rectangle where = BoundsIn(*row, *this);
    if (!keyboard) {
      double vx = 0, vy = 0;
      list_->translate_coordinates(*this, x, y, vx, vy);
      where = Gdk::Rectangle(static_cast<int>(vx), static_cast<int>(vy), 1, 1);
    }
    return signal_context_menu.emit(row->Ref(), where);
  });
}

MessageView::~MessageView() { older_idle_.disconnect(); }

namespace {

int LocalDay(int64_t now_s) {
  const Glib::DateTime now = Glib::DateTime::create_now_local(now_s);
  return now.get_year() * 1000 + now.get_day_of_year();
}

}  // namespace

void MessageView::Show(const Conversation* conv, bool switched) {
  const int64_t now_s = g_get_real_time() / 1000000;
  const int today = LocalDay(now_s);
  // Another conversation, or a new day ("Today" became "Yesterday"): redraw all.
  if (switched || !conv || conv->key != key_ || today != built_day_) {
    revs_.clear();
    stale_ = 0;
    store_->remove_all();
    if (switched) {
      at_bottom_ = true;
      loading_older_ = false;
    }
  }
  built_day_ = today;
  key_ = conv ? conv->key : "";
  complete_ = !conv || conv->history_complete || !conv->history_loaded;
  if (conv) Update(*conv, now_s);
  if (complete_) loading_older_ = false;
  // Not enough lines to scroll: the user cannot reach the top, so ask now.
  if (!older_idle_.connected())
    older_idle_ = Glib::signal_idle().connect([this] {
      MaybeLoadOlder();
      return false;
    });
}

void MessageView::Update(const Conversation& conv, int64_t now_s) {
  const auto& lines = conv.lines;
  // Lines the core trimmed at the front since the last update: the first
  // line it still has is at index `trimmed` of revs_.
  std::size_t trimmed = 0;
  if (!lines.empty() && !revs_.empty() && revs_.front() != lines.front().rev) {
    auto it = std::find(revs_.begin(), revs_.end(), lines.front().rev);
    if (it != revs_.end()) trimmed = static_cast<std::size_t>(it - revs_.begin());
  }
  // Same rev: same line, unchanged. Only the changed middle is rebuilt.
  std::size_t prefix = 0;
  const std::size_t old_n = revs_.size() - trimmed, new_n = lines.size();
  while (prefix < old_n && prefix < new_n && revs_[trimmed + prefix] == lines[prefix].rev) ++prefix;
  std::size_t suffix = 0;
  while (suffix < old_n - prefix && suffix < new_n - prefix &&
         revs_[revs_.size() - 1 - suffix] == lines[new_n - 1 - suffix].rev)
    ++suffix;
  if (trimmed == 0 && prefix == old_n && prefix == new_n) return;  // nothing changed

  const bool stick = at_bottom_;
  const Glib::DateTime now = Glib::DateTime::create_now_local(now_s);
  if (trimmed > 0) {
    // Removing rows at the top makes the ListView re-anchor (tens of ms
    // with 10,000 rows), and a full conversation trims one line per
    // message: the trimmed rows stay shown ("stale") and go in one splice
    // once there are kMaxStaleRows of them.
    revs_.erase(revs_.begin(), revs_.begin() + static_cast<std::ptrdiff_t>(trimmed));
    stale_ += trimmed;
    if (stale_ > kMaxStaleRows) {
      store_->splice(0, static_cast<guint>(stale_), {});
      stale_ = 0;
      // The new first line has no predecessor now (its day label shows).
      if (prefix > 0) store_->splice(0, 1, {RowItem::Create(BuildRowAt(lines, 0, now))});
    }
  } else if (prefix == 0 && old_n > 0) {
    loading_older_ = false;  // older lines arrived at the top: that request is answered
  }
  // A collapsed run (quiet_events.h): the row before the change shows or
  // hides with the line after it, and the summary row of a run continuing
  // past the change counts the changed lines (at most kMaxQuietRun rows).
  if (prefix > 0 && chat::client::IsQuietEvent(lines[prefix - 1])) --prefix;
  for (std::size_t k = 0; k < chat::client::kMaxQuietRun && suffix > 1 &&
                          chat::client::IsQuietEvent(lines[new_n - suffix]) &&
                          chat::client::IsQuietEvent(lines[new_n - suffix + 1]);
       ++k)
    --suffix;
  // Rebuild [prefix, new_n - suffix) and the line after it, whose grouping
  // and day label depend on the line before it.
  const std::size_t end = new_n - suffix + (suffix > 0 ? 1 : 0);
  const std::size_t removed = old_n - prefix - suffix + (suffix > 0 ? 1 : 0);
  std::vector<Glib::RefPtr<Glib::Object>> added;
  added.reserve(end - prefix);
  for (std::size_t i = prefix; i < end; ++i) added.push_back(RowItem::Create(BuildRowAt(lines, i, now)));
  store_->splice(static_cast<guint>(stale_ + prefix), static_cast<guint>(removed), added);
  revs_.erase(revs_.begin() + static_cast<std::ptrdiff_t>(prefix),
              revs_.begin() + static_cast<std::ptrdiff_t>(old_n - suffix));
  std::vector<uint64_t> new_revs;
  new_revs.reserve(new_n - suffix - prefix);
  for (std::size_t i = prefix; i < new_n - suffix; ++i) new_revs.push_back(lines[i].rev);
  revs_.insert(revs_.begin() + static_cast<std::ptrdiff_t>(prefix), new_revs.begin(), new_revs.end());
  if (stick) ScrollToBottom();
}

void MessageView::OnScroll() {
  auto adj = scroller_.get_vadjustment();
  at_bottom_ = adj->get_value() + adj->get_page_size() >= adj->get_upper() - 30;
  if (adj->get_value() <= 1) MaybeLoadOlder();
}

void MessageView::MaybeLoadOlder() {
  if (key_.empty() || complete_ || loading_older_) return;
  auto adj = scroller_.get_vadjustment();
  if (adj->get_value() > 1 && adj->get_upper() > adj->get_page_size()) return;
  loading_older_ = true;
  signal_load_older.emit(key_);
}

void MessageView::ScrollToBottom() {
  at_bottom_ = true;
  guint n = store_->get_n_items();
  if (n == 0) return;
  // The ListView only knows its height after layout: scroll to the last item
  // by action, and pin the adjustment to its end.
  list_->activate_action("list.scroll-to-item", Glib::Variant<guint32>::create(n - 1));
  auto adj = scroller_.get_vadjustment();
  adj->set_value(adj->get_upper() - adj->get_page_size());
}

}  // namespace chatgtk
