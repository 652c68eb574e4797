// chatgtk::Composer: where the user writes. Enter sends, Shift+Enter adds a
// line, an emoji button opens Gtk::EmojiChooser, and a label above shows who
// is typing in the conversation.
#ifndef CHAT_GTKCLIENT_COMPOSER_H_
#define CHAT_GTKCLIENT_COMPOSER_H_

#include <gtkmm.h>

#include <functional>
#include <string>
#include <vector>

namespace chatgtk {

class Composer : public Gtk::Box {
 public:
  Composer();

  // Shows "alice is typing…" for `nicks` (empty hides the label).
  void SetTyping(const std::vector<std::string>& nicks);
  // Placeholder-like hint shown in the tooltip, e.g. "Message #general".
  void SetTarget(const std::string& name);
  // Gives the text view keyboard focus.
  void Focus();
  // Clears the text without emitting signal_typing.
  void Clear();
  // The text being written (UTF-8), and replacing it without emitting
  // signal_typing (drafts: each conversation keeps its own).
  std::string Text() const;
  void SetText(const std::string& text);

  // Enter was pressed with non-blank text (UTF-8, may contain '\n'); the text
  // is cleared afterwards.
  sigc::signal<void(std::string)> signal_send;
  // The user started (true) or stopped/cleared (false) typing.
  sigc::signal<void(bool)> signal_typing;

  // --- File sharing hooks (src/gtkclient/files/files_ui.h).
  // Puts `widget` (the attach button) at the start of the input row.
  void AddLeadingWidget(Gtk::Widget& widget) { row_.prepend(widget); }
  // Asked first when the user pastes (Ctrl+V); returning true means it
  // took the clipboard (an image) and the text view pastes nothing.
  std::function<bool()> signal_paste_override;

 private:
  bool OnKeyPressed(guint keyval, guint keycode, Gdk::ModifierType state);
  void Send();
  void OnChanged();
  static void OnPasteClipboard(GtkTextView* view, gpointer self);
  static void OnEmojiPicked(GtkEmojiChooser* chooser, const char* text, gpointer self);

  Gtk::Label typing_label_;
  Gtk::Box row_;
  Gtk::MenuButton emoji_button_;  // owns the GtkEmojiChooser popover (see composer.cc)
  Gtk::ScrolledWindow scroller_;
  Gtk::TextView view_;
  Gtk::Button send_button_;
  bool clearing_ = false;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_COMPOSER_H_
