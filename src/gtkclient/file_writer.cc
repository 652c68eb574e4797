// Serialized asynchronous whole-file replacement with Gio::File.
#include "gtkclient/file_writer.h"

#include <giomm.h>
#include <glib/gstdio.h>

#include <optional>

namespace chatgtk {

struct FileWriter::State : std::enable_shared_from_this<FileWriter::State> {
  std::string path;
  bool in_flight = false;
  bool made_dir = false;
  std::optional<std::string> pending;

  void StartNext() {
    if (in_flight || !pending) return;
    if (!made_dir) {
      // One mkdir per writer: the directory almost always exists already.
      std::string dir = Glib::path_get_dirname(path);
      g_mkdir_with_parents(dir.c_str(), 0700);
      made_dir = true;
    }
    // The buffer must outlive the operation: the slot owns it.
    auto data = std::make_shared<std::string>(std::move(*pending));
    pending.reset();
    in_flight = true;
    auto file = Gio::File::create_for_path(path);
    auto self = shared_from_this();
    file->replace_contents_async(
        [self, file, data](Glib::RefPtr<Gio::AsyncResult>& result) {
          try {
            file->replace_contents_finish(result);
          } catch (const Glib::Error& e) {
            g_warning("chat-gtk: cannot write %s: %s", self->path.c_str(), e.what());
          }
          self->in_flight = false;
          self->StartNext();
        },
        data->data(), data->size(), "", false, Gio::File::CreateFlags::PRIVATE);
  }
};

FileWriter::FileWriter(std::string path) : state_(std::make_shared<State>()) {
  state_->path = std::move(path);
}

FileWriter::~FileWriter() = default;

void FileWriter::Write(std::string contents) {
  state_->pending = std::move(contents);
  state_->StartNext();
}

const std::string& FileWriter::path() const { return state_->path; }

std::string ReadSmallFile(const std::string& path) {
  try {
    return Glib::file_get_contents(path);
  } catch (const Glib::Error&) {
    return "";
  }
}

}  // namespace chatgtk
