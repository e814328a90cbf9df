{
  "targets": [
    {
      "target_name": "hopscope_pcap",
      "sources": [
        "src/addon.cc",
        "src/capture.cc",
        "src/engine.cc",
        "src/batch.cc",
        "src/device.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-O2"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-lpcap"]
    }
  ]
}
