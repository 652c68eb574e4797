// chatgtk::files::FileCard: the card under a message that shares a file
// (the +chatd.dev/file tag): an icon for the media type, the name, the size
// and a Save As button; for images a thumbnail loaded asynchronously by
// FilesUi. Lives inside MessageView's recycled row widgets: Bind() resets
// everything, and a thumbnail that arrives for a previous binding is
// dropped.
#ifndef CHAT_GTKCLIENT_FILES_FILE_CARD_H_
#define CHAT_GTKCLIENT_FILES_FILE_CARD_H_

#include <gtkmm.h>

#include <memory>
#include <string>

#include "libchat/files/file_tag.h"

namespace chatgtk::files {

class FileCard : public Gtk::Box {
 public:
  FileCard();
  ~FileCard() override;
  // Shows the card for `file_tag` (the tag's raw value) and link `url`;
  // hides it when the tag is empty or malformed (the message's link stays).
  void Bind(const std::string& file_tag, const std::string& url);

 private:
  void SaveAs();

  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  uint64_t binding_ = 0;  // increases on every Bind; late thumbnails compare it
  chat::files::FileTag tag_;
  std::string url_;
  Gtk::Picture thumbnail_;
  Gtk::Box row_;
  Gtk::Image icon_;
  Gtk::Box text_;
  Gtk::Label name_;
  Gtk::Label size_;
  Gtk::Button save_;
};

}  // namespace chatgtk::files

#endif  // CHAT_GTKCLIENT_FILES_FILE_CARD_H_
