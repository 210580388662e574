# none.sh - booted without MEMDISK: both tools must report "no image".
capture find memdiskfind
capture attach memdisk-attach
capture verbose memdiskfind --verbose
capture ref memdiskfind.syslinux
:
