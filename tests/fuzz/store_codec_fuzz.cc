// libFuzzer target: the store's record decoder (store/store_codec.h, doc/
// storage.md "Record format"): any bytes as an account, channel and history
// record, and as history positions and keys. Nothing may crash; a record
// that decodes must encode to bytes that decode to the same record.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "chatd/store/store_codec.h"

namespace {

template <typename Rec>
void RoundTrip(std::string_view in, chat::Status (*decode)(std::string_view, const std::string&, Rec*),
               std::string (*encode)(const Rec&)) {
  Rec rec;
  if (!decode(in, "fuzz", &rec).ok()) return;
  Rec again;
  if (!decode(encode(rec), "fuzz", &again).ok()) abort();
  if (encode(again) != encode(rec)) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace store = chatd::store;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  RoundTrip<chatd::AccountRecord>(in, &store::DecodeAccount, &store::EncodeAccount);
  RoundTrip<chatd::ChannelRecord>(in, &store::DecodeChannel, &store::EncodeChannel);
  RoundTrip<chatd::HistoryRecord>(in, &store::DecodeHistory, &store::EncodeHistory);
  store::HistoryPos pos;
  if (store::DecodePos(in, &pos) && store::EncodePos(pos) != in) abort();
  std::string_view target;
  if (store::SplitHistoryKey(in, &target, &pos) && store::HistoryKey(target, pos) != in) abort();
  return 0;
}
