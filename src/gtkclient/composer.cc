#include "gtkclient/composer.h"

#include "gtkclient/a11y.h"

namespace chatgtk {

Composer::Composer() : Gtk::Box(Gtk::Orientation::VERTICAL), row_(Gtk::Orientation::HORIZONTAL, 6) {
  add_css_class("composer");
  typing_label_.set_xalign(0);
  typing_label_.add_css_class("typing");
  typing_label_.add_css_class("dim-label");
  typing_label_.set_ellipsize(Pango::EllipsizeMode::END);
  // Keep the row's height when nobody types, so the layout does not jump.
  typing_label_.set_text(" ");
  append(typing_label_);

  emoji_button_.set_icon_name("face-smile-symbolic");
  emoji_button_.set_tooltip_text("Insert Emoji");
  emoji_button_.set_valign(Gtk::Align::END);
  emoji_button_.set_has_frame(false);
  emoji_button_.set_name("emoji_button");
  SetAccessibleLabel(emoji_button_, "Insert emoji");
  // A plain GtkEmojiChooser, not a Gtk::EmojiChooser: gtkmm's derived
  // GType has no template of its own, and GTK 4.8's dispose then reports
  // "gtk_widget_dispose_template: assertion 'template != NULL'".
  GtkWidget* chooser = gtk_emoji_chooser_new();
  g_signal_connect(chooser, "emoji-picked", G_CALLBACK(&Composer::OnEmojiPicked), this);
  gtk_menu_button_set_popover(emoji_button_.gobj(), chooser);  // the button owns it

  view_.set_wrap_mode(Gtk::WrapMode::WORD_CHAR);
  view_.set_accepts_tab(false);
  view_.set_top_margin(8);
  view_.set_bottom_margin(8);
  view_.set_left_margin(10);
  view_.set_right_margin(10);
  view_.set_name("composer");
  view_.add_css_class("composer-text");
  SetAccessibleLabel(view_, "Message");
  scroller_.set_child(view_);
  scroller_.set_policy(Gtk::PolicyType::NEVER, Gtk::PolicyType::AUTOMATIC);
  scroller_.set_propagate_natural_height(true);
  scroller_.set_max_content_height(160);
  scroller_.set_hexpand(true);
  scroller_.add_css_class("composer-frame");

  send_button_.set_icon_name("mail-send-symbolic");
  send_button_.set_name("send_button");
  send_button_.set_tooltip_text("Send (Enter)");
  send_button_.set_valign(Gtk::Align::END);
  send_button_.add_css_class("suggested-action");
  send_button_.add_css_class("circular");
  SetAccessibleLabel(send_button_, "Send");
  send_button_.signal_clicked().connect(sigc::mem_fun(*this, &Composer::Send));

  // File sharing: an image on the clipboard is uploaded instead of pasted.
  g_signal_connect(view_.gobj(), "paste-clipboard", G_CALLBACK(&Composer::OnPasteClipboard), this);
  row_.append(emoji_button_);
  row_.append(scroller_);
  row_.append(send_button_);
  append(row_);

  // Capture phase: see Enter before the text view inserts a newline.
  auto keys = Gtk::EventControllerKey::create();
  keys->set_propagation_phase(Gtk::PropagationPhase::CAPTURE);
  keys->signal_key_pressed().connect(sigc::mem_fun(*this, &Composer::OnKeyPressed), false);
  view_.add_controller(keys);
  view_.get_buffer()->signal_changed().connect(sigc::mem_fun(*this, &Composer::OnChanged));
}

void Composer::SetTyping(const std::vector<std::string>& nicks) {
  std::string text;
  if (nicks.size() == 1) {
    text = nicks[0] + " is typing…";
  } else if (nicks.size() == 2) {
    text = nicks[0] + " and " + nicks[1] + " are typing…";
  } else if (nicks.size() > 2) {
    text = "Several people are typing…";
  }
  typing_label_.set_text(text.empty() ? " " : text);
}

void Composer::SetTarget(const std::string& name) {
  view_.set_tooltip_text("Message " + name);
  SetAccessibleLabel(view_, "Message " + name);
}

void Composer::Focus() { view_.grab_focus(); }

void Composer::Clear() {
  clearing_ = true;
  view_.get_buffer()->set_text("");
  clearing_ = false;
}

void Composer::OnPasteClipboard(GtkTextView* view, gpointer self) {
  auto* composer = static_cast<Composer*>(self);
  if (composer->signal_paste_override && composer->signal_paste_override()) {
    g_signal_stop_emission_by_name(view, "paste-clipboard");
  }
}

std::string Composer::Text() const { return view_.get_buffer()->get_text(); }

void Composer::SetText(const std::string& text) {
  clearing_ = true;
  view_.get_buffer()->set_text(text);
  view_.get_buffer()->place_cursor(view_.get_buffer()->end());
  clearing_ = false;
}

void Composer::OnEmojiPicked(GtkEmojiChooser*, const char* text, gpointer self) {
  auto* composer = static_cast<Composer*>(self);
  composer->view_.get_buffer()->insert_at_cursor(text);
  composer->view_.grab_focus();
}

bool Composer::OnKeyPressed(guint keyval, guint, Gdk::ModifierType state) {
  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter) return false;
  if ((state & Gdk::ModifierType::SHIFT_MASK) == Gdk::ModifierType::SHIFT_MASK) return false;
  Send();
  return true;
}

void Composer::Send() {
  std::string text = view_.get_buffer()->get_text();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return;
  // Trailing newlines from Shift+Enter would become empty lines.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  Clear();
  signal_typing.emit(false);
  signal_send.emit(text);
}

void Composer::OnChanged() {
  if (clearing_) return;
  signal_typing.emit(view_.get_buffer()->size() > 0);
}

}  // namespace chatgtk
