c = get_config()
c.InteractiveShellApp.exec_lines = [
    'import os',
    r'\d' "x",
    '''t''',
    f'{x}',
    open('/x').read(),
]
c.TerminalIPythonApp.exec_files = ('/s.py',)
c.IPKernelApp.exec_lines.append('a')
