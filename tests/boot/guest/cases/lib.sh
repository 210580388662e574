# lib.sh - helpers shared by the guest-side case scripts (busybox sh).
# Sourced by /init before a case; emit() and TOKEN come from /init.

TOOL_TIMEOUT=${ARG_tool_timeout:-40}

# joined FILE: print FILE's lines joined with " | " on one line.
joined() {
    sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/ | /g' "$1"
}

# capture NAME CMD...: run CMD with a timeout, keeping stdout and stderr in
# /tmp/NAME.out and /tmp/NAME.err; emit NAME_rc, NAME_out, NAME_out_hex (the
# exact bytes) and NAME_err.  Returns CMD's exit status.
capture() {
    _name=$1
    shift
    timeout -s KILL "$TOOL_TIMEOUT" "$@" >"/tmp/$_name.out" 2>"/tmp/$_name.err" </dev/null
    _rc=$?
    emit "${_name}_rc" "$_rc"
    emit "${_name}_out" "$(joined "/tmp/$_name.out")"
    emit "${_name}_out_hex" "$(od -An -tx1 -v "/tmp/$_name.out" | tr -d ' \n')"
    emit "${_name}_err" "$(joined "/tmp/$_name.err")"
    return "$_rc"
}

# image_len: print the image length in bytes that the reference memdiskfind
# reports (empty when it finds nothing).
image_len() {
    _o=$(memdiskfind.syslinux 2>/dev/null) || return 0
    echo $((${_o#*,}))
}

# device_sha256 DEV LEN: print the sha256 of the first LEN bytes of DEV;
# read errors are kept in /tmp/read.err.
device_sha256() {
    head -c "$2" "$1" 2>/tmp/read.err | sha256sum | cut -d' ' -f1
}
