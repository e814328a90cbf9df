#include "capture.h"

#include <utility>

namespace hopscope {

// Lives as long as the thread-safe function: batches still queued after the Capture object is
// gone are delivered (or freed) with it.
struct TsfnContext {
  std::shared_ptr<Engine> engine;
  std::unique_ptr<Napi::Promise::Deferred> stopped;
};

namespace {

// Event kinds passed as the callback's first argument.
constexpr int kEventBatch = 0;
constexpr int kEventDeviceClosed = 1;
constexpr int kEventFailure = 2;

Napi::Error CodedError(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Value().Set("code", Napi::String::New(env, code));
  return error;
}

// A positive integer option, or `fallback` when absent. False (with a JS exception) when invalid.
bool ReadSize(Napi::Object options, const char* key, double min, double max, double& value) {
  Napi::Value raw = options.Get(key);
  if (raw.IsUndefined()) return true;
  double number = raw.IsNumber() ? raw.As<Napi::Number>().DoubleValue() : -1;
  if (!(number >= min && number <= max) || number != static_cast<double>(static_cast<int64_t>(number))) {
    Napi::TypeError::New(options.Env(), std::string("option ") + key + " must be an integer between " +
                                            std::to_string(static_cast<int64_t>(min)) + " and " +
                                            std::to_string(static_cast<int64_t>(max)))
        .ThrowAsJavaScriptException();
    return false;
  }
  value = number;
  return true;
}

Napi::Object InfoObject(Napi::Env env, const DeviceInfo& info) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("index", info.index);
  out.Set("name", info.name);
  out.Set("linkType", info.linkType);
  out.Set("precision", info.nanosecond ? "nano" : "micro");
  if (!info.warning.empty()) out.Set("warning", info.warning);
  return out;
}

void FinalizeTsfn(Napi::Env env, void*, TsfnContext* context) {
  if (context->stopped && env != nullptr) context->stopped->Resolve(env.Undefined());
  delete context;
}

}  // namespace

void CallJs(Napi::Env env, Napi::Function callback, TsfnContext* context, Message* message) {
  std::unique_ptr<Message> owned(message);
  if (env == nullptr || callback.IsEmpty()) return;  // tearing down: the message is just freed
  Napi::HandleScope scope(env);
  switch (message->kind) {
    case Message::Kind::kBatch: {
      size_t bytes = message->bytes;
      // The ArrayBuffer owns the batch from here on: frames are views into it.
      Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(
          env, message->data, bytes, [](Napi::Env, void* data) { std::free(data); });
      if (!buffer.IsEmpty()) {
        message->data = nullptr;
        callback.Call({Napi::Number::New(env, kEventBatch), buffer,
                       Napi::Number::New(env, message->packets)});
      }
      context->engine->Delivered(bytes);
      break;
    }
    case Message::Kind::kDeviceClosed:
      callback.Call({Napi::Number::New(env, kEventDeviceClosed),
                     Napi::Number::New(env, message->device), Napi::String::New(env, message->text)});
      break;
    case Message::Kind::kFailure:
      callback.Call({Napi::Number::New(env, kEventFailure), Napi::String::New(env, message->text)});
      break;
  }
}

Napi::Function Capture::Define(Napi::Env env) {
  return DefineClass(env, "Capture",
                     {InstanceMethod<&Capture::AddDevice>("addDevice"),
                      InstanceMethod<&Capture::RemoveDevice>("removeDevice"),
                      InstanceMethod<&Capture::Stats>("stats"),
                      InstanceMethod<&Capture::Stop>("stop"),
                      InstanceMethod<&Capture::Ref>("ref"),
                      InstanceMethod<&Capture::Unref>("unref")});
}

// new Capture(options, onEvent): starts the capture thread with no devices.
Capture::Capture(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Capture>(info), env_(info.Env()) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction()) {
    Napi::TypeError::New(env, "new Capture(options, onEvent)").ThrowAsJavaScriptException();
    return;
  }
  Napi::Object options = info[0].As<Napi::Object>();
  EngineOptions engineOptions;
  double snap = engineOptions.open.snapLength, buffer = engineOptions.open.bufferBytes;
  double queued = static_cast<double>(engineOptions.maxQueuedBytes);
  double batch = static_cast<double>(engineOptions.batchBytes);
  double flush = engineOptions.flushIntervalMs, timeout = engineOptions.open.timeoutMs;
  if (!ReadSize(options, "snapLength", 1, 262144, snap) ||
      !ReadSize(options, "bufferBytes", 1, 2147483647, buffer) ||
      !ReadSize(options, "maxQueuedBytes", 0, 1099511627776.0, queued) ||
      !ReadSize(options, "batchBytes", 4096, 1073741824, batch) ||
      !ReadSize(options, "flushIntervalMs", 1, 10000, flush) ||
      !ReadSize(options, "timeoutMs", 1, 10000, timeout)) {
    return;
  }
  engineOptions.open.snapLength = static_cast<int>(snap);
  engineOptions.open.bufferBytes = static_cast<int>(buffer);
  engineOptions.open.timeoutMs = static_cast<int>(timeout);
  engineOptions.maxQueuedBytes = static_cast<size_t>(queued);
  engineOptions.batchBytes = static_cast<size_t>(batch);
  engineOptions.flushIntervalMs = static_cast<int>(flush);
  Napi::Value promiscuous = options.Get("promiscuous");
  if (promiscuous.IsBoolean()) engineOptions.open.promiscuous = promiscuous.As<Napi::Boolean>();
  Napi::Value immediate = options.Get("immediate");
  if (immediate.IsBoolean()) engineOptions.open.immediate = immediate.As<Napi::Boolean>();
  Napi::Value filter = options.Get("filter");
  if (filter.IsString()) engineOptions.open.filter = filter.As<Napi::String>().Utf8Value();

  TsfnContext* context = new TsfnContext();
  tsfn_ = Tsfn::New(env, info[1].As<Napi::Function>(), "hopscope-live-capture", 0, 1, context,
                    FinalizeTsfn, static_cast<void*>(nullptr));
  tsfnLive_ = true;
  Tsfn tsfn = tsfn_;
  engine_ = std::make_shared<Engine>(engineOptions, [tsfn](Message* message) {
    return tsfn.NonBlockingCall(message) == napi_ok;
  });
  context->engine = engine_;
  std::string error;
  if (!engine_->Start(error)) {
    Shutdown();
    CodedError(env, "capture-failed", error).ThrowAsJavaScriptException();
    return;
  }
  hooked_ = napi_add_env_cleanup_hook(env, &Capture::OnEnvCleanup, this) == napi_ok;
}

Capture::~Capture() {
  Shutdown();
  if (hooked_) napi_remove_env_cleanup_hook(env_, &Capture::OnEnvCleanup, this);
}

void Capture::OnEnvCleanup(void* self) {
  Capture* capture = static_cast<Capture*>(self);
  capture->hooked_ = false;
  capture->Shutdown();
}

void Capture::Shutdown() {
  if (engine_) engine_->Stop();  // joins the thread: nothing posts after this
  if (tsfnLive_) {
    tsfnLive_ = false;
    tsfn_.Release();
  }
}

// addDevice(name) → { index, name, linkType, precision: 'nano' | 'micro', warning? }
Napi::Value Capture::AddDevice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "addDevice(name: string)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  DeviceInfo device;
  OpenError error;
  if (!engine_->AddDevice(info[0].As<Napi::String>().Utf8Value(), device, error)) {
    CodedError(env, error.code, error.message).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return InfoObject(env, device);
}

// removeDevice(name) → whether an open device of that name was found.
Napi::Value Capture::RemoveDevice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "removeDevice(name: string)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::Boolean::New(env, engine_->RemoveDevice(info[0].As<Napi::String>().Utf8Value()));
}

Napi::Value Capture::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<DeviceStats> all = engine_->Stats();
  Napi::Array out = Napi::Array::New(env, all.size());
  for (size_t i = 0; i < all.size(); i++) {
    const DeviceStats& stats = all[i];
    Napi::Object item = InfoObject(env, stats.info);
    item.Set("open", stats.open);
    if (!stats.open) item.Set("closedReason", stats.closedReason);
    item.Set("kernelStats", stats.kernelStats);
    item.Set("received", stats.received);
    item.Set("kernelDrops", stats.kernelDrops);
    item.Set("interfaceDrops", stats.interfaceDrops);
    item.Set("captured", static_cast<double>(stats.captured));
    item.Set("queueDrops", static_cast<double>(stats.queueDrops));
    out.Set(static_cast<uint32_t>(i), item);
  }
  return out;
}

// stop() → Promise<void>, resolved once every batch posted before the stop has been delivered.
Napi::Value Capture::Stop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!stopped_.IsEmpty()) return stopped_.Value();
  auto deferred = std::make_unique<Napi::Promise::Deferred>(env);
  Napi::Promise promise = deferred->Promise();
  stopped_ = Napi::Persistent(promise.As<Napi::Object>());
  if (tsfnLive_) {
    tsfn_.GetContext()->stopped = std::move(deferred);
    Shutdown();
  } else {
    deferred->Resolve(env.Undefined());
  }
  return promise;
}

// While running, the capture keeps the event loop alive (like a listening socket); unref() lets
// the process exit without stop(), ref() undoes that. Both do nothing after stop().
Napi::Value Capture::Ref(const Napi::CallbackInfo& info) {
  if (tsfnLive_) tsfn_.Ref(info.Env());
  return info.Env().Undefined();
}

Napi::Value Capture::Unref(const Napi::CallbackInfo& info) {
  if (tsfnLive_) tsfn_.Unref(info.Env());
  return info.Env().Undefined();
}

}  // namespace hopscope
