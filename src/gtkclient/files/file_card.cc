// The file card in a message row (file_card.h).
#include "gtkclient/files/file_card.h"

#include "gtkclient/a11y.h"
#include "gtkclient/files/files_ui.h"

namespace chatgtk::files {

FileCard::FileCard()
    : Gtk::Box(Gtk::Orientation::VERTICAL, 4), row_(Gtk::Orientation::HORIZONTAL, 10), text_(Gtk::Orientation::VERTICAL) {
  add_css_class("file-card");
  set_halign(Gtk::Align::START);
  set_margin_top(4);
  thumbnail_.set_can_shrink(true);
  thumbnail_.set_halign(Gtk::Align::START);
  thumbnail_.set_visible(false);
  thumbnail_.add_css_class("file-thumbnail");
  append(thumbnail_);
  icon_.set_pixel_size(32);
  name_.set_xalign(0);
  name_.set_ellipsize(Pango::EllipsizeMode::MIDDLE);
  name_.set_max_width_chars(40);
  name_.add_css_class("heading");
  size_.set_xalign(0);
  size_.add_css_class("dim-label");
  text_.append(name_);
  text_.append(size_);
  text_.set_valign(Gtk::Align::CENTER);
  save_.set_icon_name("document-save-symbolic");
  save_.set_tooltip_text("Save As…");
  save_.set_valign(Gtk::Align::CENTER);
  save_.set_name("file_save_button");
  SetAccessibleLabel(save_, "Save file as");
  save_.signal_clicked().connect(sigc::mem_fun(*this, &FileCard::SaveAs));
  row_.append(icon_);
  row_.append(text_);
  row_.append(save_);
  row_.add_css_class("file-card-row");
  append(row_);
  // A click anywhere on the card (the thumbnail included) saves too.
  auto click = Gtk::GestureClick::create();
  click->signal_released().connect([this](int, double, double) { SaveAs(); });
  thumbnail_.add_controller(click);
  set_visible(false);
}

FileCard::~FileCard() { *alive_ = false; }

void FileCard::Bind(const std::string& file_tag, const std::string& url) {
  ++binding_;
  thumbnail_.set_paintable(nullptr);
  thumbnail_.set_visible(false);
  if (file_tag.empty() || url.empty() || !chat::files::ParseFileTag(file_tag, &tag_)) {
    set_visible(false);
    return;
  }
  url_ = url;
  set_visible(true);
  name_.set_text(tag_.name);
  size_.set_text(chat::files::HumanSize(tag_.size) + " · " + tag_.type);
  gchar* ctype = g_content_type_from_mime_type(tag_.type.c_str());
  GIcon* gicon = g_content_type_get_symbolic_icon(ctype ? ctype : "application/octet-stream");
  icon_.set(Glib::wrap(gicon));  // takes the reference
  g_free(ctype);
  set_tooltip_text(tag_.name + " (" + chat::files::HumanSize(tag_.size) + ") — click to save");
  if (!chat::files::IsThumbnailType(tag_.type)) return;
  FilesUi* ui = FilesUi::current();
  if (ui == nullptr) return;
  std::weak_ptr<bool> alive = alive_;
  const uint64_t binding = binding_;
  ui->RequestThumbnail(url_, tag_.size, [this, alive, binding](Glib::RefPtr<Gdk::Texture> texture) {
    auto a = alive.lock();
    if (!a || !*a || binding != binding_ || !texture) return;
    thumbnail_.set_paintable(texture);
    thumbnail_.set_size_request(texture->get_width(), texture->get_height());
    thumbnail_.set_visible(true);
    g_log("chat-gtk", G_LOG_LEVEL_DEBUG, "thumbnail: %s %dx%d", tag_.name.c_str(), texture->get_width(),
          texture->get_height());
  });
}

void FileCard::SaveAs() {
  if (FilesUi* ui = FilesUi::current(); ui != nullptr && !url_.empty()) ui->SaveAs(url_, tag_);
}

}  // namespace chatgtk::files
