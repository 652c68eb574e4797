#include "gtkclient/message_view.h"

#include <utility>

#include "gtkclient/a11y.h"
#include "gtkclient/files/file_card.h"
#include "gtkclient/linkify.h"
#include "gtkclient/nick_color.h"

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
    for (const char* css : {"day", "event", "pending", "mention", "notice", "grouped"})
      remove_css_class(css);
    bool day = row.type == MessageRow::Type::kDay;
    day_.set_visible(day);
    header_.set_visible(!day && row.type == MessageRow::Type::kMessage && row.header);
    body_row_.set_visible(!day);
    pending_icon_.set_visible(row.pending);
    pending_label_.set_visible(row.pending);
    if (day) {
      add_css_class("day");
      day_.set_text(row.markup);
      return;
    }
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
  }

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

std::vector<MessageRow> BuildMessageRows(const Conversation& conv, int64_t now_s) {
  std::vector<MessageRow> rows;
  rows.reserve(conv.lines.size() + 8);
  const Glib::DateTime now = Glib::DateTime::create_now_local(now_s);
  int last_day = -1, last_year = -1;
  const ChatLine* prev = nullptr;  // previous message line in the current group
  for (const ChatLine& line : conv.lines) {
    const Glib::DateTime when = Glib::DateTime::create_now_local(line.time_ms / 1000);
    if (when.get_day_of_year() != last_day || when.get_year() != last_year) {
      MessageRow day;
      day.type = MessageRow::Type::kDay;
      day.markup = DayLabel(when, now);
      rows.push_back(std::move(day));
      last_day = when.get_day_of_year();
      last_year = when.get_year();
      prev = nullptr;
    }
    MessageRow row;
    row.nick = line.from;
    row.color = NickColor(line.from);
    row.time = when.format("%H:%M");
    row.tooltip = when.format("%A, %B %-e, %Y %H:%M:%S");
    row.pending = line.pending;
    row.mention = line.mention;
    bool is_message = line.kind == ChatLine::Kind::kMessage ||
                      line.kind == ChatLine::Kind::kAction || line.kind == ChatLine::Kind::kNotice;
    if (is_message) {
      row.type = MessageRow::Type::kMessage;
      row.notice = line.kind == ChatLine::Kind::kNotice;
      row.header = !(prev && prev->from == line.from && line.time_ms - prev->time_ms < kGroupGapMs &&
                     line.time_ms >= prev->time_ms);
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
      prev = &line;
    } else {
      row.type = MessageRow::Type::kEvent;
      row.markup = EventText(line) + "  <span size=\"small\">" + row.time + "</span>";
      prev = nullptr;  // an event breaks the group
    }
    rows.push_back(std::move(row));
  }
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
}

void MessageView::Show(const Conversation* conv, bool switched) {
  std::vector<MessageRow> rows;
  if (conv) rows = BuildMessageRows(*conv, g_get_real_time() / 1000000);
  if (switched) {
    rows_.clear();
    store_->remove_all();
    at_bottom_ = true;
    loading_older_ = false;
  }
  key_ = conv ? conv->key : "";
  complete_ = !conv || conv->history_complete || !conv->history_loaded;
  // Common prefix and suffix stay; only the middle is replaced.
  std::size_t prefix = 0;
  while (prefix < rows.size() && prefix < rows_.size() && rows[prefix] == rows_[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < rows.size() - prefix && suffix < rows_.size() - prefix &&
         rows[rows.size() - 1 - suffix] == rows_[rows_.size() - 1 - suffix])
    ++suffix;
  if (prefix < rows_.size() || prefix < rows.size()) {
    // Older lines arrived at the top: that request is answered.
    if (prefix == 0 && !rows_.empty()) loading_older_ = false;
    std::vector<Glib::RefPtr<Glib::Object>> added;
    for (std::size_t i = prefix; i < rows.size() - suffix; ++i) added.push_back(RowItem::Create(rows[i]));
    bool stick = at_bottom_;
    store_->splice(static_cast<guint>(prefix), static_cast<guint>(rows_.size() - prefix - suffix), added);
    rows_ = std::move(rows);
    if (stick) ScrollToBottom();
  }
  if (complete_) loading_older_ = false;
  // Not enough lines to scroll: the user cannot reach the top, so ask now.
  Glib::signal_idle().connect_once(sigc::mem_fun(*this, &MessageView::MaybeLoadOlder));
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
