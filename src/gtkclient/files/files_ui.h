// chatgtk::files::FilesUi: file sharing in the chat window (doc/files.md).
// It owns the HTTPS client, the bearer token (FILEHOST TOKEN through the
// client core), the uploads (tus 1.0, chat::files::TusUpload) and downloads
// in progress, and the "transfers" area above the composer: one row per
// transfer with its progress and a cancel button, and refusals explained in
// words. Uploads start from the composer's attach button (a file chooser),
// files dropped on the conversation, or an image pasted into the composer;
// when one finishes, the link goes out through Core::SendFile (a PRIVMSG
// with the +chatd.dev/file tag, outbox semantics). Uploads not finished are
// kept in <profile dir>/uploads-<host>-<port> and resumed (HEAD, then PATCH
// from the server's offset) after a restart or a reconnect.
//
// FileCard (in the message rows) reaches the window's FilesUi through
// current(): there is one chat window at a time.
//
// Test hooks (for tests/integration/test_gtkclient_files.py, see
// chat-gtk(1)): CHAT_GTK_TEST_OPEN_FILE=<path> makes the attach button use
// that file instead of showing the file chooser, and
// CHAT_GTK_TEST_SAVE_FILE=<path> makes Save As write there.
//
// Main thread only.
#ifndef CHAT_GTKCLIENT_FILES_FILES_UI_H_
#define CHAT_GTKCLIENT_FILES_FILES_UI_H_

#include <gtkmm.h>

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gtkclient/file_writer.h"
#include "gtkclient/files/http_client.h"
#include "libchat/files/file_tag.h"

namespace chatgtk {
class Session;
class Composer;
}  // namespace chatgtk

namespace chatgtk::files {

class FilesUi {
 public:
  // `active_key` gives the key of the conversation on screen ("" none).
  // Adds the attach button to `composer`, a paste handler to its text and a
  // drop target to `drop_area`. All must outlive this object.
  FilesUi(Gtk::Window& window, Session& session, Composer& composer, Gtk::Widget& drop_area,
          std::function<std::string()> active_key);
  ~FilesUi();
  FilesUi(const FilesUi&) = delete;
  FilesUi& operator=(const FilesUi&) = delete;

  // The transfers area (put it above the composer).
  Gtk::Widget& widget() { return transfers_; }
  static FilesUi* current();

  // Uploads `file` to the conversation `key` (display name or key).
  void Upload(const Glib::RefPtr<Gio::File>& file, const std::string& key);
  // Asks where to save (Save As), then downloads `url` there.
  void SaveAs(const std::string& url, const chat::files::FileTag& tag);
  // Loads the image at `url` (`size` bytes from the tag) and calls `done`
  // with a thumbnail (at most kThumbWidth x kThumbHeight), or a null
  // texture when it cannot be shown. Cached per URL. Only URLs on the
  // server's file host are fetched (others get no thumbnail).
  void RequestThumbnail(const std::string& url, uint64_t size, std::function<void(Glib::RefPtr<Gdk::Texture>)> done);

  static constexpr int kThumbWidth = 320, kThumbHeight = 240;
  static constexpr uint64_t kMaxThumbSource = 25 * 1000 * 1000;  // bytes fetched for a thumbnail at most

 private:
  struct UploadJob;
  struct DownloadJob;
  struct Row;

  void OnState();
  void OnToken(const std::string& token, int64_t expires_s, const std::string& error);
  void WithToken(std::function<void()> then);
  void ChooseFile();
  bool OnDrop(const Glib::ValueBase& value, double x, double y);
  bool OnPaste();
  void PasteTexture(const Glib::RefPtr<Gdk::Texture>& texture);
  void StartUpload(std::unique_ptr<UploadJob> up);
  void Step(UploadJob* up);
  void SendPatch(UploadJob* up);
  // What every tus request's answer does: feed it (or the network error) to
  // the upload's state machine, save the pending list, take the next step.
  HttpClient::Done TusAnswered(UploadJob* up);
  void Settle(UploadJob* up);
  void SavePending();
  void ResumePending();
  void StartDownload(const std::string& url, const chat::files::FileTag& tag, const std::string& dest);
  void DownloadMore(DownloadJob* d);
  void FinishDownload(DownloadJob* d, const std::string& error);
  Row* AddRow(const std::string& title, std::function<void()> cancel);
  void RemoveRow(Row* row);
  void ShowError(Row* row, const std::string& text);
  std::string CollectionUrl() const;
  std::string PendingPath() const;

  Gtk::Window& window_;
  Session& session_;
  Composer& composer_;
  std::function<std::string()> active_key_;
  HttpClient http_;
  Gtk::Box transfers_;
  Gtk::Button attach_;
  std::vector<sigc::connection> connections_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

  int64_t token_expires_s_ = 0;
  bool token_requested_ = false;
  std::vector<std::function<void()>> waiting_for_token_;
  std::list<std::unique_ptr<UploadJob>> uploads_;
  std::list<std::unique_ptr<DownloadJob>> downloads_;
  std::list<std::unique_ptr<Row>> rows_;
  bool resumed_ = false;
  std::unique_ptr<FileWriter> pending_writer_;
  Glib::RefPtr<Gtk::FileChooserNative> chooser_;
  std::map<std::string, Glib::RefPtr<Gdk::Texture>> thumbs_;  // url -> thumbnail (null: cannot show)
  std::map<std::string, std::vector<std::function<void(Glib::RefPtr<Gdk::Texture>)>>> thumb_waiters_;
};

}  // namespace chatgtk::files

#endif  // CHAT_GTKCLIENT_FILES_FILES_UI_H_
