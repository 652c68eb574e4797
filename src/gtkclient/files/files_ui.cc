// File sharing in the chat window: uploads, downloads, token, transfer rows
// (files_ui.h).
#include "gtkclient/files/files_ui.h"

#include <glib/gstdio.h>

#include <cstdlib>
#include <utility>

#include "gtkclient/a11y.h"
#include "gtkclient/composer.h"
#include "gtkclient/file_writer.h"
#include "gtkclient/files/thumbnail.h"
#include "gtkclient/session.h"
#include "libchat/files/tus_client.h"

namespace chatgtk::files {
namespace {

FilesUi* g_current = nullptr;

std::string FileSafe(const std::string& text) {
  std::string out;
  for (char c : text) out += (g_ascii_isalnum(c) || c == '.' || c == '-') ? c : '_';
  return out;
}

std::string Percent(double done, double total) {
  if (total <= 0) return "";
  return std::to_string(static_cast<int>(done * 100.0 / total)) + "%";
}

}  // namespace

// One row in the transfers area.
struct FilesUi::Row {
  Gtk::Box box{Gtk::Orientation::HORIZONTAL, 8};
  Gtk::Image icon;
  Gtk::Box text{Gtk::Orientation::VERTICAL, 2};
  Gtk::Label title;
  Gtk::ProgressBar bar;
  Gtk::Label detail;
  Gtk::Button cancel;
  std::function<void()> on_cancel;

  void Progress(uint64_t done, uint64_t total, const std::string& verb) {
    const double f = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
    bar.set_fraction(f);
    detail.set_text(verb + " " + chat::files::HumanSize(done) + " of " + chat::files::HumanSize(total) + " (" +
                    Percent(static_cast<double>(done), static_cast<double>(total)) + ")");
  }
};

struct FilesUi::UploadJob {
  std::unique_ptr<chat::files::TusUpload> tus;
  Glib::RefPtr<Gio::File> file;
  std::string key;  // conversation display name
  Row* row = nullptr;
  uint64_t op = 0;  // HttpClient request in flight; 0 none
  uint64_t patch_sent = 0;
  sigc::connection retry;
  bool busy = false;  // a step is in progress (reading or a request)
  std::string local_error;  // why we cancelled it ourselves (unreadable file), shown in words
};

struct FilesUi::DownloadJob {
  std::string url, dest, part;
  chat::files::FileTag tag;
  Row* row = nullptr;
  uint64_t op = 0;
  uint64_t have = 0;   // bytes in the .part file
  uint64_t total = 0;  // expected size
  std::string etag;
  int retries = 0;
  FILE* out = nullptr;
  sigc::connection retry;
};

FilesUi::FilesUi(Gtk::Window& window, Session& session, Composer& composer, Gtk::Widget& drop_area,
                 std::function<std::string()> active_key)
    : window_(window),
      session_(session),
      composer_(composer),
      active_key_(std::move(active_key)),
      http_(session),
      transfers_(Gtk::Orientation::VERTICAL, 4) {
  g_current = this;
  transfers_.add_css_class("transfers");
  transfers_.set_name("transfers");
  transfers_.set_margin_start(8);
  transfers_.set_margin_end(8);

  attach_.set_icon_name("mail-attachment-symbolic");
  attach_.set_tooltip_text("Attach a file");
  attach_.set_valign(Gtk::Align::END);
  attach_.set_has_frame(false);
  attach_.set_name("attach_button");
  SetAccessibleLabel(attach_, "Attach a file");
  attach_.signal_clicked().connect(sigc::mem_fun(*this, &FilesUi::ChooseFile));
  composer_.AddLeadingWidget(attach_);

  // Files dropped on the conversation.
  auto drop = Gtk::DropTarget::create(GDK_TYPE_FILE_LIST, Gdk::DragAction::COPY);
  drop->signal_drop().connect(sigc::mem_fun(*this, &FilesUi::OnDrop), false);
  drop_area.add_controller(drop);
  // An image pasted into the composer.
  composer_.signal_paste_override = [this] { return OnPaste(); };

  connections_.push_back(session_.signal_state.connect([this](chat::client::ConnState) { OnState(); }));
  connections_.push_back(session_.signal_file_token.connect(sigc::mem_fun(*this, &FilesUi::OnToken)));
  OnState();
}

FilesUi::~FilesUi() {
  *alive_ = false;
  if (g_current == this) g_current = nullptr;
  composer_.signal_paste_override = nullptr;
  for (auto& c : connections_) c.disconnect();
  for (auto& up : uploads_) up->retry.disconnect();
  for (auto& d : downloads_) {
    d->retry.disconnect();
    if (d->out) std::fclose(d->out);  // the .part stays for a later resume
  }
}

FilesUi* FilesUi::current() { return g_current; }

std::string FilesUi::CollectionUrl() const {
  // doc/files.md, "URLs": <base>/upload is the FILEHOST URI, <base>/files/tus the tus collection.
  std::string u = session_.core().filehost_url();
  const std::string suffix = "/upload";
  if (u.size() < suffix.size() || u.compare(u.size() - suffix.size(), suffix.size(), suffix) != 0) return "";
  return u.substr(0, u.size() - suffix.size()) + "/files/tus";
}

std::string FilesUi::PendingPath() const {
  const ServerAddress& a = session_.address();
  return Glib::build_filename(session_.profile_dir(), "uploads-" + FileSafe(a.host) + "-" + std::to_string(a.port));
}

void FilesUi::OnState() {
  auto& core = session_.core();
  const bool online = core.state() == chat::client::ConnState::kOnline;
  attach_.set_sensitive(!core.filehost_url().empty() || !online);
  if (!online || core.filehost_url().empty()) return;
  http_.SetFileHost(core.filehost_url());
  if (!resumed_) {
    resumed_ = true;
    ResumePending();
  }
  // Uploads that waited for the connection carry on.
  for (auto& up : uploads_) {
    if (!up->busy && !up->tus->finished()) Step(up.get());
  }
}

void FilesUi::WithToken(std::function<void()> then) {
  auto& core = session_.core();
  const int64_t now_s = NowMs() / 1000;
  if (core.account().empty() || (http_.has_token() && token_expires_s_ - 60 > now_s)) {
    then();  // guests try without one (the server may allow it); a fresh token is at hand
    return;
  }
  waiting_for_token_.push_back(std::move(then));
  if (!token_requested_ && core.state() == chat::client::ConnState::kOnline) {
    token_requested_ = true;
    core.RequestFileToken();
  }
}

void FilesUi::OnToken(const std::string& token, int64_t expires_s, const std::string& error) {
  token_requested_ = false;
  if (!token.empty()) {
    http_.SetToken(token);
    token_expires_s_ = expires_s;
  } else {
    g_message("chat-gtk: no file token: %s", error.c_str());
  }
  auto waiting = std::move(waiting_for_token_);
  waiting_for_token_.clear();
  for (auto& fn : waiting) fn();
}

// ---------------------------------------------------------------- starting uploads

void FilesUi::ChooseFile() {
  const std::string key = active_key_();
  if (key.empty()) return;
  if (const char* test = std::getenv("CHAT_GTK_TEST_OPEN_FILE"); test != nullptr && *test) {
    Upload(Gio::File::create_for_path(test), key);
    return;
  }
  chooser_ = Gtk::FileChooserNative::create("Attach a File", window_, Gtk::FileChooser::Action::OPEN, "_Attach",
                                            "_Cancel");
  chooser_->set_modal(true);
  chooser_->signal_response().connect([this, key](int response) {
    if (response == Gtk::ResponseType::ACCEPT) {
      if (auto file = chooser_->get_file()) Upload(file, key);
    }
    chooser_.reset();
  });
  chooser_->show();
}

bool FilesUi::OnDrop(const Glib::ValueBase& value, double, double) {
  const std::string key = active_key_();
  if (key.empty() || !G_VALUE_HOLDS(value.gobj(), GDK_TYPE_FILE_LIST)) return false;
  auto* list = static_cast<GdkFileList*>(g_value_get_boxed(value.gobj()));
  GSList* files = gdk_file_list_get_files(list);
  for (GSList* l = files; l != nullptr; l = l->next) {
    Upload(Glib::wrap(G_FILE(l->data), true), key);
  }
  g_slist_free(files);
  return true;
}

bool FilesUi::OnPaste() {
  auto clipboard = composer_.get_clipboard();
  auto formats = clipboard->get_formats();
  if (formats->contain_mime_type("text/plain;charset=utf-8") || formats->contain_mime_type("text/plain") ||
      !formats->contain_gtype(GDK_TYPE_TEXTURE)) {
    return false;  // text: the composer pastes it
  }
  std::weak_ptr<bool> alive = alive_;
  clipboard->read_texture_async([this, alive, clipboard](Glib::RefPtr<Gio::AsyncResult>& result) {
    Glib::RefPtr<Gdk::Texture> texture;
    try {
      texture = clipboard->read_texture_finish(result);
    } catch (const Glib::Error&) {
    }
    auto a = alive.lock();
    if (a && *a && texture) PasteTexture(texture);
  });
  return true;
}

void FilesUi::PasteTexture(const Glib::RefPtr<Gdk::Texture>& texture) {
  const std::string key = active_key_();
  if (key.empty()) return;
  // A pasted picture becomes "Pasted image <time>.png" in the cache dir.
  const std::string dir = Glib::build_filename(Glib::get_user_cache_dir(), "chat-gtk", "pasted");
  g_mkdir_with_parents(dir.c_str(), 0700);
  const std::string name = "Pasted image " + Glib::DateTime::create_now_local().format("%Y-%m-%d %H-%M-%S") + ".png";
  auto file = Gio::File::create_for_path(Glib::build_filename(dir, name));
  GBytes* png = gdk_texture_save_to_png_bytes(texture->gobj());
  gsize n = 0;
  const char* data = static_cast<const char*>(g_bytes_get_data(png, &n));
  auto bytes = std::make_shared<std::string>(data, n);
  g_bytes_unref(png);
  std::weak_ptr<bool> alive = alive_;
  file->replace_contents_async(
      [this, alive, file, key, bytes](Glib::RefPtr<Gio::AsyncResult>& result) {
        try {
          file->replace_contents_finish(result);
        } catch (const Glib::Error& e) {
          g_warning("chat-gtk: could not keep the pasted image: %s", e.what());
          return;
        }
        auto a = alive.lock();
        if (a && *a) Upload(file, key);
      },
      bytes->data(), bytes->size(), "", false, Gio::File::CreateFlags::PRIVATE);
}

void FilesUi::Upload(const Glib::RefPtr<Gio::File>& file, const std::string& key) {
  const chat::client::Conversation* conv = session_.core().Find(key);
  const std::string target = conv ? conv->name : key;
  std::weak_ptr<bool> alive = alive_;
  file->query_info_async(
      [this, alive, file, target](Glib::RefPtr<Gio::AsyncResult>& result) {
        auto a = alive.lock();
        if (!a || !*a) return;
        Glib::RefPtr<Gio::FileInfo> info;
        std::string why;
        try {
          info = file->query_info_finish(result);
        } catch (const Glib::Error& e) {
          why = e.what();
        }
        const std::string name = info ? std::string(info->get_display_name()) : file->get_basename();
        if (!info || info->get_file_type() != Gio::FileType::REGULAR || file->get_path().empty()) {
          Row* row = AddRow(name, nullptr);
          ShowError(row, why.empty() ? "Only files can be shared (not folders or devices)." : "Could not read the file: " + why);
          return;
        }
        if (CollectionUrl().empty()) {
          Row* row = AddRow(name, nullptr);
          ShowError(row, "This server does not offer file sharing.");
          return;
        }
        const std::string ctype = info->get_content_type();
        gchar* mime = g_content_type_get_mime_type(ctype.c_str());
        auto up = std::make_unique<UploadJob>();
        up->tus = std::make_unique<chat::files::TusUpload>(CollectionUrl(), static_cast<uint64_t>(info->get_size()),
                                                          name, mime ? mime : "application/octet-stream", target);
        g_free(mime);
        up->file = file;
        up->key = target;
        StartUpload(std::move(up));
      },
      G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME "," G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE
      "," G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE);
}

void FilesUi::StartUpload(std::unique_ptr<UploadJob> owned) {
  UploadJob* up = owned.get();
  uploads_.push_back(std::move(owned));
  up->row = AddRow("Sending " + up->tus->name() + " to " + up->key, [this, up] {
    up->retry.disconnect();
    if (up->op) {
      http_.Cancel(up->op);
      up->op = 0;
      up->busy = false;
    }
    up->tus->Cancel();
    if (up->row) up->row->detail.set_text("Cancelling…");
    Step(up);
  });
  up->row->icon.set_from_icon_name("document-send-symbolic");
  up->row->Progress(up->tus->offset(), up->tus->size(), "Sent");
  if (session_.core().state() == chat::client::ConnState::kOnline) {
    Step(up);
  } else {
    up->row->detail.set_text("Waiting for the connection…");
  }
}

// ---------------------------------------------------------------- the tus loop

void FilesUi::Step(UploadJob* up) {
  using Method = chat::files::TusRequest::Method;
  if (up->busy) return;
  const chat::files::TusRequest req = up->tus->Next();
  if (req.method == Method::kNone) return Settle(up);
  if (req.method == Method::kPatch) {
    up->busy = true;
    return WithToken([this, up] { SendPatch(up); });
  }
  up->busy = true;
  WithToken([this, up, req] {
    up->op = http_.Send(
        req.method == Method::kPost ? "POST" : req.method == Method::kHead ? "HEAD" : "DELETE", req.url, req.headers,
        nullptr, "", TusAnswered(up));
  });
}

HttpClient::Done FilesUi::TusAnswered(UploadJob* up) {
  return [this, up](HttpResponse r) {
    up->op = 0;
    up->busy = false;
    if (r.status == 0) {
      up->tus->OnNetworkError(r.error);
    } else {
      up->tus->OnResponse(r.status, r.headers, r.body);
    }
    SavePending();
    Settle(up);
  };
}

void FilesUi::SendPatch(UploadJob* up) {
  const chat::files::TusRequest req = up->tus->Next();
  // Read this chunk of the file asynchronously, then PATCH it.
  std::weak_ptr<bool> alive = alive_;
  up->file->read_async([this, alive, up, req](Glib::RefPtr<Gio::AsyncResult>& result) {
    auto a = alive.lock();
    if (!a || !*a) return;
    Glib::RefPtr<Gio::FileInputStream> in;
    try {
      in = up->file->read_finish(result);
      in->seek(static_cast<goffset>(req.offset), Glib::SeekType::SET);
    } catch (const Glib::Error& e) {
      up->busy = false;
      up->local_error = "Could not read the file: " + std::string(e.what());
      up->tus->Cancel();
      return Step(up);
    }
    in->read_bytes_async(static_cast<gsize>(req.length), [this, alive, up, req, in](Glib::RefPtr<Gio::AsyncResult>& r2) {
      auto a2 = alive.lock();
      if (!a2 || !*a2) return;
      if (up->tus->state() != chat::files::TusUpload::State::kPatch) {  // cancelled while reading
        up->busy = false;
        return Step(up);
      }
      Glib::RefPtr<Glib::Bytes> bytes;
      try {
        bytes = in->read_bytes_finish(r2);
      } catch (const Glib::Error&) {
      }
      gsize n = 0;
      if (bytes) bytes->get_data(n);
      if (!bytes || n != req.length) {
        up->busy = false;
        up->local_error = "The file changed or shrank while it was being sent.";
        up->tus->Cancel();
        return Step(up);
      }
      const uint64_t base = req.offset;
      up->op = http_.Send(
          "PATCH", req.url, req.headers, bytes->gobj(), "application/offset+octet-stream",
          TusAnswered(up),
          [up, base](uint64_t sent) {
            if (up->row) up->row->Progress(base + sent, up->tus->size(), "Sent");
          });
    });
  });
}

void FilesUi::Settle(UploadJob* up) {
  using State = chat::files::TusUpload::State;
  auto& tus = *up->tus;
  if (up->row && !tus.finished()) up->row->Progress(tus.offset(), tus.size(), "Sent");
  switch (tus.state()) {
    case State::kDone: {
      chat::files::FileTag tag{tus.name(), tus.size(), tus.type()};
      session_.core().SendFile(up->key, tus.file_url(), chat::files::FormatFileTag(tag), NowMs());
      g_log("chat-gtk", G_LOG_LEVEL_DEBUG, "file shared: %s", tus.file_url().c_str());
      break;
    }
    case State::kFailed:
      if (up->row) up->row->title.set_text("Could not send " + tus.name() + " to " + up->key);
      ShowError(up->row, tus.name() + " was not sent. " + tus.error());
      up->row = nullptr;  // the error row stays until dismissed
      break;
    case State::kCancelled:
      if (!up->local_error.empty()) {
        ShowError(up->row, tus.name() + " was not sent. " + up->local_error);
        up->row = nullptr;
      }
      break;
    case State::kNeedToken:
      http_.SetToken("");
      token_expires_s_ = 0;
      tus.TokenRenewed();
      return Step(up);
    default:
      if (session_.core().state() != chat::client::ConnState::kOnline) {
        if (up->row) up->row->detail.set_text("Paused: waiting for the connection…");
        return;  // OnState resumes it
      }
      if (const int64_t delay = tus.retry_delay_ms(); delay > 0) {
        if (up->row) up->row->detail.set_text("Connection problem; retrying…");
        up->retry = Glib::signal_timeout().connect(
            [this, up] {
              Step(up);
              return false;
            },
            static_cast<unsigned>(delay));
        return;
      }
      return Step(up);
  }
  // Finished: drop it.
  if (up->row) RemoveRow(up->row);
  uploads_.remove_if([up](const std::unique_ptr<UploadJob>& u) { return u.get() == up; });
  SavePending();
}

// ---------------------------------------------------------------- pending uploads

void FilesUi::SavePending() {
  std::vector<chat::files::PendingUpload> pending;
  for (const auto& up : uploads_) {
    const auto& t = *up->tus;
    if (t.finished() || t.upload_url().empty()) continue;
    pending.push_back({t.upload_url(), up->file->get_path(), t.name(), t.type(), t.target(), t.size()});
  }
  if (!pending_writer_) pending_writer_ = std::make_unique<FileWriter>(PendingPath());
  pending_writer_->Write(chat::files::SerializePending(pending));
}

void FilesUi::ResumePending() {
  const std::string text = ReadSmallFile(PendingPath());  // tiny, read once per window
  if (text.empty()) return;
  std::vector<chat::files::PendingUpload> pending;
  if (!chat::files::ParsePending(text, &pending)) g_warning("chat-gtk: some pending uploads were unreadable");
  for (auto& p : pending) {
    auto up = std::make_unique<UploadJob>();
    up->tus = std::make_unique<chat::files::TusUpload>(chat::files::TusUpload::Resume(
        CollectionUrl(), p.upload_url, p.size, p.name, p.type, p.target));
    up->file = Gio::File::create_for_path(p.path);
    up->key = p.target;
    StartUpload(std::move(up));
  }
}

// ---------------------------------------------------------------- downloads

void FilesUi::SaveAs(const std::string& url, const chat::files::FileTag& tag) {
  if (const char* test = std::getenv("CHAT_GTK_TEST_SAVE_FILE"); test != nullptr && *test) {
    StartDownload(url, tag, test);
    return;
  }
  chooser_ = Gtk::FileChooserNative::create("Save File", window_, Gtk::FileChooser::Action::SAVE, "_Save", "_Cancel");
  chooser_->set_modal(true);
  chooser_->set_current_name(tag.name);
  chooser_->signal_response().connect([this, url, tag](int response) {
    if (response == Gtk::ResponseType::ACCEPT) {
      if (auto file = chooser_->get_file(); file && !file->get_path().empty()) StartDownload(url, tag, file->get_path());
    }
    chooser_.reset();
  });
  chooser_->show();
}

void FilesUi::StartDownload(const std::string& url, const chat::files::FileTag& tag, const std::string& dest) {
  auto owned = std::make_unique<DownloadJob>();
  DownloadJob* d = owned.get();
  downloads_.push_back(std::move(owned));
  d->url = url;
  d->tag = tag;
  d->dest = dest;
  d->total = tag.size;
  // The bytes go to "<dest>.part" and are renamed over <dest> at the end;
  // a .part left by an interrupted download is continued with Range (the
  // file behind a link never changes: ids name immutable content).
  d->part = dest + ".part";
  d->row = AddRow("Saving " + tag.name, [this, d] { FinishDownload(d, "cancelled"); });
  DownloadMore(d);
}

void FilesUi::DownloadMore(DownloadJob* d) {
  GStatBuf st;
  d->have = g_stat(d->part.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  if (d->have > d->total) d->have = 0;
  d->out = g_fopen(d->part.c_str(), d->have > 0 ? "ab" : "wb");
  if (d->out == nullptr) return FinishDownload(d, "Could not write " + d->part + ": " + g_strerror(errno));
  std::vector<std::pair<std::string, std::string>> headers;
  if (d->have > 0) {
    headers.emplace_back("Range", "bytes=" + std::to_string(d->have) + "-");
    if (!d->etag.empty()) headers.emplace_back("If-Range", d->etag);
  }
  d->row->Progress(d->have, d->total, "Saved");
  HttpClient::Stream s;
  s.head = [this, d](const HttpResponse& r) {
    if (r.status == 200 && d->have > 0) {  // the server sent it all again: start over
      std::fclose(d->out);
      d->out = g_fopen(d->part.c_str(), "wb");
      d->have = 0;
    } else if (r.status != 200 && r.status != 206) {
      return false;
    }
    if (auto it = r.headers.find("etag"); it != r.headers.end()) d->etag = it->second;
    return d->out != nullptr;
  };
  s.chunk = [d](const char* data, std::size_t n) {
    if (std::fwrite(data, 1, n, d->out) != n) return false;
    d->have += n;
    d->row->Progress(d->have, d->total, "Saved");
    return d->have <= d->total;
  };
  s.done = [this, d](HttpResponse r) {
    d->op = 0;
    std::fclose(d->out);
    d->out = nullptr;
    if (r.status == 200 || r.status == 206) {
      if (r.error.empty() && d->have == d->total) return FinishDownload(d, "");
    } else if (r.status != 0) {
      return FinishDownload(d, r.status == 401 || r.status == 403 ? "You may not download this file."
                               : r.status == 404               ? "The file is no longer on the server."
                                                               : "The server refused (HTTP " + std::to_string(r.status) + ").");
    }
    // Interrupted: continue from what is on disk, a few times.
    if (++d->retries > 5) return FinishDownload(d, "The download kept failing: " + r.error);
    d->row->detail.set_text("Connection problem; resuming…");
    d->retry = Glib::signal_timeout().connect(
        [this, d] {
          DownloadMore(d);
          return false;
        },
        1000u * static_cast<unsigned>(d->retries));
  };
  d->op = http_.Get(d->url, headers, std::move(s));
}

void FilesUi::FinishDownload(DownloadJob* d, const std::string& error) {
  d->retry.disconnect();
  if (d->op) http_.Cancel(d->op);
  if (d->out) std::fclose(d->out);
  d->out = nullptr;
  Row* row = d->row;
  if (error.empty()) {
    if (g_rename(d->part.c_str(), d->dest.c_str()) != 0) {
      ShowError(row, "Could not save " + d->dest + ": " + g_strerror(errno));
    } else {
      g_log("chat-gtk", G_LOG_LEVEL_DEBUG, "file saved: %s", d->dest.c_str());
      // Say where it went; the row stays until dismissed.
      row->on_cancel = nullptr;
      row->icon.set_from_icon_name("emblem-ok-symbolic");
      row->bar.set_visible(false);
      row->title.set_text(d->tag.name + " saved");
      row->detail.set_text("Saved to " + d->dest + " (" + chat::files::HumanSize(d->have) + ")");
      row->cancel.set_icon_name("window-close-symbolic");
      row->cancel.set_tooltip_text("Dismiss");
    }
  } else if (error == "cancelled") {
    g_unlink(d->part.c_str());
    RemoveRow(row);
  } else {
    ShowError(row, d->tag.name + " was not saved. " + error);
  }
  downloads_.remove_if([d](const std::unique_ptr<DownloadJob>& x) { return x.get() == d; });
}

// ---------------------------------------------------------------- thumbnails

void FilesUi::RequestThumbnail(const std::string& url, uint64_t size,
                               std::function<void(Glib::RefPtr<Gdk::Texture>)> done) {
  if (auto it = thumbs_.find(url); it != thumbs_.end()) {
    done(it->second);
    return;
  }
  // Only pictures on this server's file host load by themselves: a tagged
  // link elsewhere would tell another host who reads the conversation.
  if (size > kMaxThumbSource || !http_.IsFileHost(url)) return;
  auto& waiters = thumb_waiters_[url];
  waiters.push_back(std::move(done));
  if (waiters.size() > 1) return;  // already loading
  WithToken([this, url] {
    http_.Send("GET", url, {}, nullptr, "", [this, url](HttpResponse r) {
      auto finish = [this, url](Glib::RefPtr<Gdk::Texture> t) {
        thumbs_[url] = t;
        auto waiters = std::move(thumb_waiters_[url]);
        thumb_waiters_.erase(url);
        for (auto& w : waiters) w(t);
      };
      if (r.status != 200 || r.body.empty()) return finish({});
      DecodeThumbnail(std::make_shared<const std::string>(std::move(r.body)), kThumbWidth, kThumbHeight, alive_,
                      [finish](GdkPixbuf* pix) {
                        if (pix == nullptr) return finish({});
                        auto texture = Glib::wrap(gdk_texture_new_for_pixbuf(pix));
                        g_object_unref(pix);
                        finish(texture);
                      });
    });
  });
}

// ---------------------------------------------------------------- rows

FilesUi::Row* FilesUi::AddRow(const std::string& title, std::function<void()> cancel) {
  auto owned = std::make_unique<Row>();
  Row* row = owned.get();
  rows_.push_back(std::move(owned));
  row->box.add_css_class("transfer-row");
  row->icon.set_from_icon_name("folder-download-symbolic");
  row->title.set_text(title);
  row->title.set_xalign(0);
  row->title.set_ellipsize(Pango::EllipsizeMode::MIDDLE);
  row->detail.set_xalign(0);
  row->detail.add_css_class("dim-label");
  row->detail.set_wrap(true);
  row->text.set_hexpand(true);
  row->text.append(row->title);
  row->text.append(row->bar);
  row->text.append(row->detail);
  row->cancel.set_icon_name("process-stop-symbolic");
  row->cancel.set_tooltip_text("Cancel");
  row->cancel.set_valign(Gtk::Align::CENTER);
  SetAccessibleLabel(row->cancel, "Cancel transfer");
  row->on_cancel = std::move(cancel);
  row->cancel.signal_clicked().connect([this, row] {
    if (row->on_cancel) {
      auto fn = std::move(row->on_cancel);
      row->on_cancel = nullptr;
      fn();
    } else {
      RemoveRow(row);  // an error row: dismiss
    }
  });
  row->box.append(row->icon);
  row->box.append(row->text);
  row->box.append(row->cancel);
  transfers_.append(row->box);
  return row;
}

void FilesUi::RemoveRow(Row* row) {
  if (row == nullptr) return;
  transfers_.remove(row->box);
  // Deleted from the loop: this may run inside the row's own button handler.
  for (auto it = rows_.begin(); it != rows_.end(); ++it) {
    if (it->get() == row) {
      auto owned = std::shared_ptr<Row>(std::move(*it));
      rows_.erase(it);
      Glib::signal_idle().connect_once([owned] {});
      break;
    }
  }
  for (auto& up : uploads_) {
    if (up->row == row) up->row = nullptr;
  }
}

void FilesUi::ShowError(Row* row, const std::string& text) {
  if (row == nullptr) row = AddRow("", nullptr);
  row->on_cancel = nullptr;
  row->box.add_css_class("error");
  row->icon.set_from_icon_name("dialog-warning-symbolic");
  row->bar.set_visible(false);
  row->detail.set_text(text);
  g_log("chat-gtk", G_LOG_LEVEL_DEBUG, "transfer problem: %s", text.c_str());
  row->detail.remove_css_class("dim-label");
  row->cancel.set_icon_name("window-close-symbolic");
  row->cancel.set_tooltip_text("Dismiss");
}

}  // namespace chatgtk::files
