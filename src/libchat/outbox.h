// Placeholder: replaced by the outbox implementation.
#ifndef CHAT_LIBCHAT_OUTBOX_H_
#define CHAT_LIBCHAT_OUTBOX_H_
namespace chat::client {
class Outbox {};
}  // namespace chat::client
#endif  // CHAT_LIBCHAT_OUTBOX_H_
