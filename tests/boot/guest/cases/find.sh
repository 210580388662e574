# find.sh - run our memdiskfind and Debian's (memdiskfind.syslinux) and report
# both outputs and exit codes; the host compares them byte for byte.
capture ours memdiskfind
capture ref memdiskfind.syslinux
capture ours_phram memdiskfind --phram
capture ours_json memdiskfind --json
:
# Without /dev/mem both finders fail with exit 2; ours says why.
mv /dev/mem /dev/mem.hidden
capture nomem memdiskfind --verbose
capture ref_nomem memdiskfind.syslinux
mv /dev/mem.hidden /dev/mem
:
