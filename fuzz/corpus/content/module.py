import atexit, os, site
'''doc # not a comment'''
def f():
    open(os.path.join(site.getsitepackages()[0], 'a.pth'), 'w').write('import a')  # c
atexit.register(f)
x = f'{os.environ["A"]!r}' + "\x41\x42"
