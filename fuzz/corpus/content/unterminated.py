exec('abc
x = """open