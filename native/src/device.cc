#include "device.h"

namespace hopscope {
namespace {

bool Fail(pcap_t* handle, OpenError& error, const char* code, const std::string& message) {
  error.code = code;
  error.message = message;
  if (handle != nullptr) pcap_close(handle);
  return false;
}

std::string PcapText(pcap_t* handle, int status) {
  const char* text = pcap_geterr(handle);
  if (text != nullptr && text[0] != '\0') return text;
  return pcap_statustostr(status);
}

// pcap_datalink gives DLT_* values; capture files (and Frame.linkType) use LINKTYPE_* values.
// They are equal except for a few historical DLTs; these are the ones Linux can hand out.
int LinkTypeOf(int dlt) {
  switch (dlt) {
    case DLT_RAW:
      return 101;  // LINKTYPE_RAW
#ifdef DLT_ATM_RFC1483
    case DLT_ATM_RFC1483:
      return 100;
#endif
    default:
      return dlt;
  }
}

// Maps pcap_activate's failures onto hopscope's error codes.
bool ActivationFailed(pcap_t* handle, const std::string& name, int status, OpenError& error) {
  std::string text = PcapText(handle, status);
  switch (status) {
    case PCAP_ERROR_PERM_DENIED:
    case PCAP_ERROR_PROMISC_PERM_DENIED:
      return Fail(handle, error, "permission", name + ": " + text);
    case PCAP_ERROR_NO_SUCH_DEVICE:
      return Fail(handle, error, "no-such-device", name + ": " + text);
    case PCAP_ERROR_IFACE_NOT_UP:
      return Fail(handle, error, "capture-failed", name + ": interface is down (" + text + ")");
    default:
      return Fail(handle, error, "capture-failed", name + ": " + text);
  }
}

}  // namespace

bool OpenDevice(const std::string& name, const OpenOptions& options, OpenedDevice& out,
                OpenError& error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {0};
  pcap_t* handle = pcap_create(name.c_str(), errbuf);
  if (handle == nullptr) return Fail(nullptr, error, "capture-failed", name + ": " + errbuf);

  pcap_set_snaplen(handle, options.snapLength);
  pcap_set_promisc(handle, options.promiscuous ? 1 : 0);
  pcap_set_buffer_size(handle, options.bufferBytes);
  if (options.immediate) {
    pcap_set_immediate_mode(handle, 1);
  } else {
    pcap_set_timeout(handle, options.timeoutMs);
  }
  // Nanoseconds where the kernel gives them; a refusal leaves the default (microseconds).
  out.nanosecond = pcap_set_tstamp_precision(handle, PCAP_TSTAMP_PRECISION_NANO) == 0;

  int status = pcap_activate(handle);
  if (status < 0) return ActivationFailed(handle, name, status, error);
  out.warning = status > 0 ? PcapText(handle, status) : std::string();
  out.nanosecond = pcap_get_tstamp_precision(handle) == PCAP_TSTAMP_PRECISION_NANO;
  out.linkType = LinkTypeOf(pcap_datalink(handle));

  if (!options.filter.empty()) {
    bpf_program program;
    if (pcap_compile(handle, &program, options.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      return Fail(handle, error, "bad-filter", pcap_geterr(handle));
    }
    int set = pcap_setfilter(handle, &program);
    pcap_freecode(&program);
    if (set != 0) return Fail(handle, error, "bad-filter", pcap_geterr(handle));
  }

  if (pcap_setnonblock(handle, 1, errbuf) != 0) {
    return Fail(handle, error, "capture-failed", name + ": " + errbuf);
  }
  out.fd = pcap_get_selectable_fd(handle);
  if (out.fd < 0) {
    return Fail(handle, error, "capture-failed", name + ": device cannot be polled");
  }
  out.handle = handle;
  return true;
}

}  // namespace hopscope
