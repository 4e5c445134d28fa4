#!/usr/bin/env bash
# siptrace: regenerate the capture fixtures in fixtures/ from REAL traffic.
#
#   sudo scripts/make-fixtures.sh
#
# Everything runs inside a private network namespace made here (its own lo,
# plus veth pairs between further namespaces for VXLAN and small-MTU
# fragmentation), so no other traffic on the machine gets into a fixture and no
# port can collide.  Traffic comes from sipp, kamailio and small node scripts
# (scripts/fixtures/*.mjs); tcpdump/dumpcap record it.  Cases this kernel cannot
# produce (802.1Q, GRE, ERSPAN, IP-in-IP, SCTP, ...) are made by wrapping the
# packets of a real capture with scripts/fixtures/wrap.mjs: those files are
# named derived-*.  fixtures/EXPECTED.tsv is then rewritten by
# scripts/fixtures/expected.sh (tshark's reading of every SIP message) and the
# table in fixtures/README.md by scripts/fixtures/readme-table.mjs.
#
# Needs: root, ip (iproute2), sipp, kamailio, tcpdump, dumpcap, editcap,
# tshark, jq, gzip, node >= 20.  Bounded by MAX_SECONDS (default 300); all
# processes are started here, tracked by PID and stopped here, namespaces are
# deleted on exit (also on error or Ctrl-C).  Re-runnable: outputs are replaced.
# KEEP_WORK=1 keeps the work dir (logs) for debugging.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
FX=$HERE/fixtures
OUT=$ROOT/fixtures
MAX_SECONDS=${MAX_SECONDS:-300}

# ============================================================== outer part
if [[ ${1:-} != --inside ]]; then
  [[ $(id -u) == 0 ]] || { echo "make-fixtures: needs root (network namespaces, tcpdump)" >&2; exit 1; }
  for b in ip sipp kamailio tcpdump dumpcap editcap tshark jq gzip node timeout; do
    command -v "$b" >/dev/null || { echo "make-fixtures: missing $b" >&2; exit 1; }
  done
  NS=sipfx$$
  WORK=$(mktemp -d /tmp/siptrace-fixtures.XXXXXX)
  outer_cleanup() {
    local rc=$?
    # anything still running in our namespaces was started by this script
    for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$NS" || true); do
      for p in $(ip netns pids "$n" 2>/dev/null || true); do kill -KILL "$p" 2>/dev/null || true; done
      ip netns del "$n" 2>/dev/null || true
    done
    if [[ ${KEEP_WORK:-0} == 1 || $rc != 0 ]]; then echo "make-fixtures: work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
    exit $rc
  }
  trap outer_cleanup EXIT
  trap 'exit 130' INT TERM
  ip netns add "$NS"
  ip -n "$NS" link set lo up
  timeout -k 5 "$MAX_SECONDS" ip netns exec "$NS" "$0" --inside "$NS" "$WORK"
  # replace the committed fixtures with the new set (removes ones no longer made)
  mkdir -p "$OUT"
  find "$OUT" -maxdepth 1 -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.pcap.gz' \) -delete
  cp "$WORK"/out/* "$OUT"/
  owner=$(stat -c %u:%g "$ROOT")
  chown "$owner" "$OUT"/*
  "$FX/expected.sh" "$OUT" > "$WORK/EXPECTED.tsv"
  cp "$WORK/EXPECTED.tsv" "$OUT/EXPECTED.tsv" && chown "$owner" "$OUT/EXPECTED.tsv"
  node "$FX/readme-table.mjs" "$OUT"   # the table in fixtures/README.md
  echo "make-fixtures: $(ls "$WORK"/out | wc -l) fixtures, $(du -sh "$OUT" | cut -f1) in $OUT" >&2
  exit 0
fi

# ============================================================== inner part (inside netns $NS)
NS=$2
WORK=$3
STAGE=$WORK/out
mkdir -p "$STAGE" "$WORK/kam"
cd "$WORK"
PIDS=()
inner_cleanup() {
  local rc=$?
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 0.3
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  exit $rc
}
trap inner_cleanup EXIT
trap 'exit 143' TERM INT

log() { echo "make-fixtures: $*" >&2; }
wait_for() { # file pattern seconds
  local i
  for ((i = 0; i < $3 * 20; i++)); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  log "timeout waiting for '$2' in $1"; cat "$1" >&2 || true; return 1
}
# stop PIDs we started (and their children, e.g. kamailio's workers): TERM, up
# to 3 s grace, then KILL; reap them
stop() {
  local p c i
  for p in "$@"; do
    local kids; kids=$(ps -o pid= --ppid "$p" 2>/dev/null || true)
    kill -TERM "$p" 2>/dev/null || true
    for ((i = 0; i < 30 && $(kill -0 "$p" 2>/dev/null && echo 1 || echo 0); i++)); do sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    for c in $kids; do kill -KILL "$c" 2>/dev/null || true; done
    wait "$p" 2>/dev/null || true
  done
}

# ---- capture: cap_start NAME [NETNS] [tcpdump args...]; cap_stop NAME
declare -A CAP
cap_start() {
  local name=$1 ns=$2; shift 2
  local pre=(); [[ -n $ns ]] && pre=(ip netns exec "$ns")
  "${pre[@]}" tcpdump -n -s 0 -U --immediate-mode -w "$STAGE/$name" "$@" 2> "$WORK/$name.log" &
  CAP[$name]=$!; PIDS+=($!)
  wait_for "$WORK/$name.log" 'listening on' 10
}
dumpcap_start() { # name args...
  local name=$1; shift
  dumpcap -q -n -s 0 -w "$WORK/$name" "$@" 2> "$WORK/$name.log" &
  CAP[$name]=$!; PIDS+=($!)
  wait_for "$WORK/$name.log" 'Capturing on' 10
  sleep 0.3
}
cap_stop() {
  local n
  sleep 0.4 # let the last packets reach the capture
  for n in "$@"; do kill -INT "${CAP[$n]}" 2>/dev/null || true; done
  for n in "$@"; do wait "${CAP[$n]}" 2>/dev/null || true; done
}

# ---- sipp: uas IP PORT TAG [sipp args...] (background, PID in $UAS_PID); uac ... (foreground)
uas() {
  local ip=$1 port=$2 tag=$3; shift 3
  sipp -sf "$FX/sipp/uas.xml" -i "$ip" -p "$port" -key tag "$tag" -nostdin -timeout 200 -mp 30000 \
       -trace_err -error_file "$WORK/uas-$tag-$port.err" "$@" > "$WORK/uas-$tag-$port.out" 2>&1 &
  UAS_PID=$!; PIDS+=($!)
  sleep 0.3
}
uac() { # TARGET SCENARIO SERVICE CALLID_PREFIX LOCAL_IP [sipp args...]
  local target=$1 scen=$2 svc=$3 cid=$4 ip=$5; shift 5
  if ! sipp "$target" -sf "$FX/sipp/$scen" -s "$svc" -i "$ip" -p 5061 -m 1 -nostdin \
       -cid_str "$cid-%u@fixtures.siptrace" -timeout 15 -timeout_error -mp 20000 \
       -trace_err -error_file "$WORK/uac-$cid.err" "$@" > "$WORK/uac-$cid.out" 2>&1; then
    log "sipp UAC $cid failed:"; tail -20 "$WORK/uac-$cid.out" >&2; cat "$WORK/uac-$cid.err" >&2 || true
    return 1
  fi
}

# ---- kamailio: kam_start DEFINES... (PID in $KAM_PID); listens on 127.0.0.2:5060 udp+tcp
kam_start() {
  local args=() d
  for d in "$@"; do args+=(-A "$d"); done
  rm -rf "$WORK/kam"; mkdir -p "$WORK/kam"
  kamailio -DD -E -f "$FX/kamailio.cfg" -Y "$WORK/kam" -w "$WORK/kam" -P "$WORK/kam/kamailio.pid" -m 32 -M 4 \
    -l udp:127.0.0.2:5060 -l tcp:127.0.0.2:5060 "${args[@]}" > "$WORK/kamailio-$RANDOM.log" 2>&1 &
  KAM_PID=$!; PIDS+=($!)
  local i
  for ((i = 0; i < 100; i++)); do ss -lnu 2>/dev/null | grep -q '127.0.0.2:5060' && break; sleep 0.05; done
  ss -lnu | grep -q '127.0.0.2:5060' || { log "kamailio did not start"; return 1; }
  sleep 0.3
}

wrap() { node "$FX/wrap.mjs" "$@"; }

node "$FX/rtp-pcap.mjs" "$WORK/rtp.pcap" 10 51f70001   # sipp play_pcap_audio reads ./rtp.pcap

# What this kernel can build, for the log.  The derived-* files are made by
# wrap.mjs whatever the answer, so the committed set is the same on every machine.
probe() { # type args...
  local t=$1; shift
  if ip link add sipfxprobe type "$t" "$@" 2>/dev/null; then ip link del sipfxprobe; echo "$t=yes"; else echo "$t=no"; fi
}
log "kernel: $(probe vxlan id 9 dstport 4789) $(ip link add sipfxp0 type veth peer name sipfxp1 2>/dev/null &&
  { ip link add link sipfxp0 name sipfxp0.9 type vlan id 9 2>/dev/null && echo vlan=yes || echo vlan=no; ip link del sipfxp0; } || echo veth=no)" \
    "$(probe gretap local 10.0.0.1 remote 10.0.0.2) $(probe erspan local 10.0.0.1 remote 10.0.0.2 erspan_ver 1 erspan 1)" \
    "$(probe ipip local 10.0.0.1 remote 10.0.0.2) $(probe sit local 10.0.0.1 remote 10.0.0.2)" \
    "sctp=$(grep -q '^SCTP' /proc/net/protocols && echo yes || echo no)"

# ============================================================== 1. formats + link types (2 UDP calls)
log "formats and link types"
cap_start fmt-pcap-usec.pcap "" -i lo
cap_start fmt-pcap-nsec.pcap "" -i lo --time-stamp-precision=nano
cap_start link-sll.pcap "" -i any -y LINUX_SLL
cap_start link-sll2.pcap "" -i any -y LINUX_SLL2
dumpcap_start lo-and-any.pcapng -i lo -i any
uas 127.0.0.2 5060 uas
dumpcap_start sec1.pcapng -i lo
uac 127.0.0.2:5060 uac-call.xml call fmt-call-a 127.0.0.1
cap_stop sec1.pcapng
dumpcap_start sec2.pcapng -i lo
uac 127.0.0.2:5060 uac-call.xml call fmt-call-b 127.0.0.1
cap_stop sec2.pcapng fmt-pcap-usec.pcap fmt-pcap-nsec.pcap link-sll.pcap link-sll2.pcap lo-and-any.pcapng
stop "$UAS_PID"
cp "$WORK/lo-and-any.pcapng" "$STAGE/fmt-pcapng-lo-and-any.pcapng"
cat "$WORK/sec1.pcapng" "$WORK/sec2.pcapng" > "$STAGE/fmt-pcapng-two-sections.pcapng"
editcap -a '1:siptrace fixture: a packet comment on the first INVITE' \
        -a '3:second comment, on the 180 Ringing' "$WORK/sec1.pcapng" "$STAGE/fmt-pcapng-comment.pcapng"
gzip -n -9 -c "$STAGE/fmt-pcap-usec.pcap" > "$STAGE/fmt-pcap-gzip.pcap.gz"
B=$STAGE/fmt-pcap-usec.pcap
wrap bigendian "$B" "$STAGE/derived-fmt-pcap-bigendian.pcap"
wrap vlan "$B" "$STAGE/derived-link-vlan-8021q.pcap"
wrap qinq "$B" "$STAGE/derived-link-qinq-8021ad.pcap"
wrap pppoe "$B" "$STAGE/derived-link-pppoe.pcap"
wrap raw101 "$B" "$STAGE/derived-link-raw-101.pcap"
wrap ipv4-228 "$B" "$STAGE/derived-link-ipv4-228.pcap"
wrap null "$B" "$STAGE/derived-link-null-ipv4.pcap"
wrap ipip "$B" "$STAGE/derived-ipip-4in4.pcap"
wrap gre-teb "$B" "$STAGE/derived-gre-teb.pcap"
wrap erspan2 "$B" "$STAGE/derived-erspan-type2.pcap"
wrap erspan3 "$B" "$STAGE/derived-erspan-type3.pcap"
wrap sctp "$B" "$STAGE/derived-sctp-data.pcap"
wrap hep3z "$B" "$STAGE/derived-hep3-compressed.pcap"

# ============================================================== 2. IPv6 over ::1
log "IPv6"
cap_start ipv6-udp-call.pcap "" -i lo
uas ::1 5060 uas6
uac '[::1]:5060' uac-call.xml call ipv6-call ::1
cap_stop ipv6-udp-call.pcap
stop "$UAS_PID"
B6=$STAGE/ipv6-udp-call.pcap
wrap ipv6-229 "$B6" "$STAGE/derived-link-ipv6-229.pcap"
wrap loop "$B6" "$STAGE/derived-link-loop-ipv6.pcap"
wrap ipip "$B6" "$STAGE/derived-ipip-6in4.pcap"

# ============================================================== helpers for namespace pairs
# pair NAME MTU: namespaces $NS-NAME-a / -b joined by a veth pair va/vb with the given MTU
pair() {
  local n=$1 mtu=$2
  ip netns add "$NS-$n-a"; ip netns add "$NS-$n-b"
  ip link add "$n-va" mtu "$mtu" type veth peer name "$n-vb" mtu "$mtu"
  ip link set "$n-va" netns "$NS-$n-a"; ip link set "$n-vb" netns "$NS-$n-b"
  local s
  for s in a b; do
    ip -n "$NS-$n-$s" link set lo up
    ip -n "$NS-$n-$s" link set "$n-v$s" name "v$s" up
  done
}
in_ns() { local n=$1; shift; ip netns exec "$n" "$@"; }
uas_in() { # netns ip tag [sipp args]
  local ns=$1 ip=$2 tag=$3; shift 3
  ip netns exec "$ns" sipp -sf "$FX/sipp/uas.xml" -i "$ip" -p 5060 -key tag "$tag" -nostdin -timeout 200 \
     -trace_err -error_file "$WORK/uas-$tag.err" "$@" > "$WORK/uas-$tag.out" 2>&1 &
  UAS_PID=$!; PIDS+=($!)
  sleep 0.3
}

# ============================================================== 3. VXLAN (real, udp/4789)
log "VXLAN"
pair vx 1500
for s in a b; do in_ns "$NS-vx-$s" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; done
ip -n "$NS-vx-a" addr add 10.77.0.1/24 dev va; ip -n "$NS-vx-b" addr add 10.77.0.2/24 dev vb
ip -n "$NS-vx-a" link add vx42 type vxlan id 42 local 10.77.0.1 remote 10.77.0.2 dstport 4789 dev va
ip -n "$NS-vx-b" link add vx42 type vxlan id 42 local 10.77.0.2 remote 10.77.0.1 dstport 4789 dev vb
ip -n "$NS-vx-a" addr add 192.168.77.1/24 dev vx42; ip -n "$NS-vx-a" link set vx42 up
ip -n "$NS-vx-b" addr add 192.168.77.2/24 dev vx42; ip -n "$NS-vx-b" link set vx42 up
cap_start vxlan-udp4789.pcap "$NS-vx-a" -i va udp port 4789
uas_in "$NS-vx-b" 192.168.77.2 uasvx
in_ns "$NS-vx-a" bash -c "$(declare -f uac log); FX=$FX WORK=$WORK; uac 192.168.77.2:5060 uac-call.xml call vxlan-call 192.168.77.1"
cap_stop vxlan-udp4789.pcap
stop "$UAS_PID"

# ============================================================== 4. IP fragments (real, small MTU)
log "IP fragments"
pair f4 600
for s in a b; do in_ns "$NS-f4-$s" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; done
ip -n "$NS-f4-a" addr add 10.78.0.1/24 dev va; ip -n "$NS-f4-b" addr add 10.78.0.2/24 dev vb
cap_start ipv4-fragments-mtu600.pcap "$NS-f4-a" -i va
uas_in "$NS-f4-b" 10.78.0.2 uasf4
in_ns "$NS-f4-a" bash -c "$(declare -f uac log); FX=$FX WORK=$WORK; uac 10.78.0.2:5060 uac-big.xml call ipv4-frag 10.78.0.1"
cap_stop ipv4-fragments-mtu600.pcap
stop "$UAS_PID"

pair f6 1280
ip -n "$NS-f6-a" addr add fd00:78::1/64 dev va nodad; ip -n "$NS-f6-b" addr add fd00:78::2/64 dev vb nodad
sleep 0.2
cap_start ipv6-fragments-mtu1280.pcap "$NS-f6-a" -i va
uas_in "$NS-f6-b" fd00:78::2 uasf6
in_ns "$NS-f6-a" bash -c "$(declare -f uac log); FX=$FX WORK=$WORK; uac '[fd00:78::2]:5060' uac-big.xml call ipv6-frag fd00:78::1"
cap_stop ipv6-fragments-mtu1280.pcap
stop "$UAS_PID"
wrap frag-reorder "$STAGE/ipv4-fragments-mtu600.pcap" "$STAGE/derived-ipv4-fragments-reordered.pcap"
wrap frag-dup "$STAGE/ipv4-fragments-mtu600.pcap" "$STAGE/derived-ipv4-fragments-duplicated.pcap"
wrap frag-reorder "$STAGE/ipv6-fragments-mtu1280.pcap" "$STAGE/derived-ipv6-fragments-reordered.pcap"
wrap frag-dup "$STAGE/ipv6-fragments-mtu1280.pcap" "$STAGE/derived-ipv6-fragments-duplicated.pcap"

# ============================================================== 5. ICMP port unreachable quoting SIP
log "ICMP"
cap_start icmp-port-unreachable-sip.pcap "" -i lo
node "$FX/udp-cases.mjs" icmp
cap_stop icmp-port-unreachable-sip.pcap

# ============================================================== 6. TCP
log "TCP"
cap_start tcp-sipp-call.pcap "" -i lo
uas 127.0.0.2 5060 uastcp -t t1
uac 127.0.0.2:5060 uac-call.xml call tcp-sipp 127.0.0.1 -t t1
cap_stop tcp-sipp-call.pcap
stop "$UAS_PID"
port=40001
for c in segments:tcp-message-many-segments multi:tcp-several-messages-one-segment \
         crlf-split:tcp-split-cr-lf keepalive:tcp-crlf-keepalive; do
  cap_start "${c#*:}.pcap" "" -i lo
  node "$FX/tcp-cases.mjs" "${c%%:*}" $((port++))
  cap_stop "${c#*:}.pcap"
done
# mid-stream: the capture starts after the handshake and the first request/answers
rm -f "$WORK/midstream.go"
node "$FX/tcp-cases.mjs" midstream $((port++)) "$WORK/midstream.go" > "$WORK/midstream.out" 2>&1 &
MID=$!; PIDS+=($!)
wait_for "$WORK/midstream.out" READY 10
cap_start tcp-midstream.pcap "" -i lo
touch "$WORK/midstream.go"
wait "$MID"
cap_stop tcp-midstream.pcap
wrap tcp-reorder "$STAGE/tcp-message-many-segments.pcap" "$STAGE/derived-tcp-out-of-order.pcap"
wrap tcp-retrans "$STAGE/tcp-message-many-segments.pcap" "$STAGE/derived-tcp-retransmitted.pcap"

# ============================================================== 7. WebSocket (RFC 7118)
log "WebSocket"
cap_start websocket-sip-fragmented.pcap "" -i lo
node "$FX/ws-sip.mjs" 40100
cap_stop websocket-sip-fragmented.pcap

# ============================================================== 8. HEP from kamailio siptrace
log "HEP"
node "$FX/sink.mjs" 127.0.0.9 9060 > "$WORK/sink.out" 2>&1 &
SINK=$!; PIDS+=($!)
wait_for "$WORK/sink.out" READY 10
uas 127.0.0.3 5060 uashep
for h in 3:udp:hep3-kamailio-udp 2:udp:hep2-kamailio-udp 3:tcp:hep3-kamailio-tcp; do
  IFS=: read -r ver tp name <<< "$h"
  uri="sip:127.0.0.9:9060"; [[ $tp == tcp ]] && uri="sip:127.0.0.9:9060;transport=tcp"
  cap_start "$name.pcap" "" -i lo port 9060
  kam_start WITH_HEP "HEP_URI=\"$uri\"" "HEP_VERSION=$ver"
  uac 127.0.0.3:5060 uac-call.xml call "$name" 127.0.0.1 -rsa 127.0.0.2:5060
  sleep 0.3
  stop "$KAM_PID"
  cap_stop "$name.pcap"
done
stop "$UAS_PID" "$SINK"

# ============================================================== 9. parser leniencies over UDP
log "parser cases"
for c in lf-only folded compact unknown-method no-content-length; do
  name=parser-$c-udp; [[ $c == folded ]] && name=parser-folded-headers-udp; [[ $c == compact ]] && name=parser-compact-headers-udp
  cap_start "$name.pcap" "" -i lo
  node "$FX/udp-cases.mjs" "$c"
  cap_stop "$name.pcap"
done

# ============================================================== 10. call flows
log "call flows"
uas 127.0.0.3 5060 uas
UAS_A=$UAS_PID
for c in uac-cancel.xml:cancel:calls-cancel uac-busy.xml:busy:calls-busy-486 \
         uac-rtp.xml:rtp:calls-rtp-both-ways uac-hold.xml:hold:calls-reinvite-hold; do
  IFS=: read -r scen svc name <<< "$c"
  filt=(); [[ $svc == rtp ]] && filt=(not icmp) # nothing reads the RTP ports: drop the kernel's unreachables
  cap_start "$name.pcap" "" -i lo "${filt[@]}"
  uac 127.0.0.3:5060 "$scen" "$svc" "$name" 127.0.0.1
  cap_stop "$name.pcap"
done
# through kamailio (127.0.0.2): registrar with 401, 407 proxy auth, plain two-hop call, parallel fork
for c in uac-register.xml:reg:calls-register-401: uac-call.xml:call:calls-proxy-two-hops: \
         uac-auth407.xml:call:calls-invite-407:WITH_PROXYAUTH; do
  IFS=: read -r scen svc name def <<< "$c"
  cap_start "$name.pcap" "" -i lo
  kam_start ${def:+"$def"}
  uac 127.0.0.3:5060 "$scen" "$svc" "$name" 127.0.0.1 -rsa 127.0.0.2:5060
  stop "$KAM_PID"
  cap_stop "$name.pcap"
done
uas 127.0.0.4 5060 uasb
cap_start calls-forked-invite.pcap "" -i lo
kam_start WITH_FORK 'FORK_A="sip:call@127.0.0.3:5060"' 'FORK_B="sip:cancel@127.0.0.4:5060"'
uac 127.0.0.3:5060 uac-call.xml fork calls-forked-invite 127.0.0.1 -rsa 127.0.0.2:5060
sleep 0.5
stop "$KAM_PID"
cap_stop calls-forked-invite.pcap
stop "$UAS_PID" "$UAS_A"
log "done"
