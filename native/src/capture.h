// The JavaScript class `Capture`: an Engine plus the thread-safe function that carries its
// batches and events to one JavaScript callback. See src/source/live/ for the typed wrapper.
#pragma once

#include <napi.h>

#include <memory>

#include "engine.h"

namespace hopscope {

struct TsfnContext;
void CallJs(Napi::Env env, Napi::Function callback, TsfnContext* context, Message* message);
using Tsfn = Napi::TypedThreadSafeFunction<TsfnContext, Message, CallJs>;

class Capture : public Napi::ObjectWrap<Capture> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Capture(const Napi::CallbackInfo& info);
  ~Capture() override;

 private:
  Napi::Value AddDevice(const Napi::CallbackInfo& info);
  Napi::Value RemoveDevice(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value Stop(const Napi::CallbackInfo& info);
  Napi::Value Ref(const Napi::CallbackInfo& info);
  Napi::Value Unref(const Napi::CallbackInfo& info);
  // Stops the engine and lets the thread-safe function finish (it resolves `stop()`'s promise).
  void Shutdown();
  static void OnEnvCleanup(void* self);

  std::shared_ptr<Engine> engine_;
  Tsfn tsfn_;
  bool tsfnLive_ = false;
  bool hooked_ = false;
  napi_env env_ = nullptr;
  Napi::ObjectReference stopped_;  // stop()'s promise, returned again by later calls
};

}  // namespace hopscope
