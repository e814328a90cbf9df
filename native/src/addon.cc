// Module entry: exports the Capture class and what the TypeScript wrapper checks against.
#include <napi.h>
#include <pcap/pcap.h>

#include "batch.h"
#include "capture.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Capture", hopscope::Capture::Define(env));
  // The wrapper refuses a binary whose record layout it does not know.
  exports.Set("batchFormat", Napi::Number::New(env, 1));
  exports.Set("recordHeaderBytes", Napi::Number::New(env, hopscope::kRecordHeaderBytes));
  exports.Set("libpcapVersion", Napi::String::New(env, pcap_lib_version()));
  return exports;
}

}  // namespace

NODE_API_MODULE(hopscope_pcap, Init)
