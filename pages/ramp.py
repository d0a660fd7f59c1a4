"""Placeholder until the page lands."""

import streamlit as st

st.title("ramp")
st.info("This page is being built.")
