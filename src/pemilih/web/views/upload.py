"""(being written)"""
routes = []
