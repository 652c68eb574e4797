// libsecret calls behind keyring.h; errors mean "not remembered".
#include "gtkclient/keyring.h"

#include <libsecret/secret.h>

namespace chatgtk::keyring {
namespace {

const SecretSchema* Schema() {
  static const SecretSchema schema = {
      "dev.chatd.ChatGtk.Password",
      SECRET_SCHEMA_NONE,
      {
          {"server", SECRET_SCHEMA_ATTRIBUTE_STRING},
          {"username", SECRET_SCHEMA_ATTRIBUTE_STRING},
          {nullptr, SECRET_SCHEMA_ATTRIBUTE_STRING},
      },
      0, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
  return &schema;
}

void OnStored(GObject*, GAsyncResult* result, gpointer) noexcept {
  GError* error = nullptr;
  if (!secret_password_store_finish(result, &error)) {
    g_debug("chat-gtk: password not saved: %s", error ? error->message : "?");
    g_clear_error(&error);
  }
}

void OnCleared(GObject*, GAsyncResult* result, gpointer) noexcept {
  GError* error = nullptr;
  secret_password_clear_finish(result, &error);
  g_clear_error(&error);
}

void OnLookedUp(GObject*, GAsyncResult* result, gpointer data) noexcept {
  auto* done = static_cast<std::function<void(std::string)>*>(data);
  GError* error = nullptr;
  gchar* password = secret_password_lookup_finish(result, &error);
  std::string value = password ? password : "";
  if (password) secret_password_free(password);
  g_clear_error(&error);
  try {
    (*done)(std::move(value));
  } catch (...) {
    g_warning("chat-gtk: keyring lookup callback failed");
  }
  delete done;
}

}  // namespace

void Store(const std::string& server, const std::string& username,
           const std::string& password) {
  std::string label = "chat-gtk password for " + username + " on " + server;
  secret_password_store(Schema(), SECRET_COLLECTION_DEFAULT, label.c_str(), password.c_str(),
                        nullptr, OnStored, nullptr, "server", server.c_str(), "username",
                        username.c_str(), nullptr);
}

void Lookup(const std::string& server, const std::string& username,
            std::function<void(std::string)> done) {
  auto* heap = new std::function<void(std::string)>(std::move(done));
  secret_password_lookup(Schema(), nullptr, OnLookedUp, heap, "server", server.c_str(),
                         "username", username.c_str(), nullptr);
}

void Clear(const std::string& server, const std::string& username) {
  secret_password_clear(Schema(), nullptr, OnCleared, nullptr, "server", server.c_str(),
                        "username", username.c_str(), nullptr);
}

}  // namespace chatgtk::keyring
